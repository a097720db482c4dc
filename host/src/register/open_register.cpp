#include <ecid/config.hpp>
#include <ecid/http_register.hpp>
#include <ecid/register.hpp>

#include <stdexcept>

namespace ecid {

std::unique_ptr<RegisterBackend> open_configured_register(const Config& config) {
  if (config.population.backend == "embedded") return open_embedded_register(config.population.path.string());
  if (config.population.backend == "http") {
    try {
      return open_http_register(config.population.http);
    } catch (const std::invalid_argument& e) {
      throw ConfigError(std::string("register.http: ") + e.what());
    }
  }
  throw ConfigError("register backend '" + config.population.backend + "' is not available in this build");
}

}  // namespace ecid
