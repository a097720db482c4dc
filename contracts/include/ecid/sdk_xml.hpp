// ecid adapter SDK: reading XML with namespaces on top of pugixml, which has none of its own.
// Header-only; the adapter links pugixml itself (ecid_add_adapter(... LINK pugixml::pugixml)).
//
// Each adapter passes its own namespace URI: an element counts only when its local name and the
// namespace in scope for its prefix both match, whatever prefix the document chose.
// Includes adapter.hpp (XmlReader throws InvalidDocument): an adapter that sets
// ECID_ADAPTER_ABI_MINOR defines it before including this header too.
#ifndef ECID_SDK_XML_HPP
#define ECID_SDK_XML_HPP

#include <ecid/adapter.hpp>
#include <ecid/sdk_text.hpp>

#include <pugixml.hpp>

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace ecid::sdk {

// "Party" for both <Party> and <c:Party>.
inline std::string_view local_name(const pugi::xml_node& n) {
  std::string_view name = n.name();
  const size_t colon = name.find(':');
  return colon == std::string_view::npos ? name : name.substr(colon + 1);
}

// The namespace URI in scope for the element's prefix: xmlns (or xmlns:prefix) on the element
// or its nearest ancestor that declares it; empty when none is declared.
inline std::string_view namespace_of(pugi::xml_node n) {
  const std::string_view name = n.name();
  const size_t colon = name.find(':');
  std::string attr = "xmlns";
  if (colon != std::string_view::npos) attr += cat(":", name.substr(0, colon));
  for (pugi::xml_node e = n; e && e.type() == pugi::node_element; e = e.parent())
    if (pugi::xml_attribute a = e.attribute(attr.c_str())) return a.value();
  return {};
}

// True when `n` is the element `local` in namespace `ns`.
inline bool is_element(const pugi::xml_node& n, std::string_view local, std::string_view ns) {
  return n.type() == pugi::node_element && local_name(n) == local && namespace_of(n) == ns;
}

// The child elements `local` in namespace `ns` of `parent`, in document order.
inline std::vector<pugi::xml_node> children_named(const pugi::xml_node& parent, std::string_view local,
                                                  std::string_view ns) {
  std::vector<pugi::xml_node> out;
  for (pugi::xml_node c = parent.first_child(); c; c = c.next_sibling())
    if (is_element(c, local, ns)) out.push_back(c);
  return out;
}

// "CaseFiling/Parties/Party[2]/FullName": where an element is, for a message, never what it
// holds. A name is numbered when its parent holds several elements of that name.
inline std::string element_path(pugi::xml_node n) {
  std::vector<std::string> parts;  // innermost first
  for (; n && n.type() == pugi::node_element; n = n.parent()) {
    const std::string_view name = local_name(n);
    parts.push_back(quoted(name));
    size_t same = 0, index = 0;
    for (pugi::xml_node s = n.parent().first_child(); s; s = s.next_sibling()) {
      if (s.type() != pugi::node_element || local_name(s) != name) continue;
      ++same;
      if (s == n) index = same;
    }
    if (same > 1) parts.back().append("[").append(std::to_string(index)).append("]");
  }
  std::string path;
  for (auto it = parts.rbegin(); it != parts.rend(); ++it) {
    if (!path.empty()) path += '/';
    path += *it;
  }
  return path;
}

// Reads the elements of one namespace, throwing InvalidDocument for a structure the format
// forbids; messages give the element's path (element_path). `ns` is not copied: pass a constant.
class XmlReader {
 public:
  explicit XmlReader(std::string_view ns) : ns_(ns) {}

  bool is_ours(const pugi::xml_node& n, std::string_view local) const { return is_element(n, local, ns_); }
  std::vector<pugi::xml_node> children(const pugi::xml_node& parent, std::string_view local) const {
    return children_named(parent, local, ns_);
  }
  // The one child `local`; nullopt when absent; two is an error.
  std::optional<pugi::xml_node> child(const pugi::xml_node& parent, std::string_view local) const {
    const auto found = children(parent, local);
    if (found.empty()) return std::nullopt;
    if (found.size() > 1)
      throw InvalidDocument(cat(element_path(parent), " has ", std::to_string(found.size()), " ", local,
                                " elements; expected at most one"));
    return found[0];
  }
  // Trimmed text of the one child `local`; nullopt when absent or empty.
  std::optional<std::string> text(const pugi::xml_node& parent, std::string_view local) const {
    const auto node = child(parent, local);
    if (!node) return std::nullopt;
    return own_text(*node);
  }
  // Trimmed text of `node` itself; nullopt when empty. Child elements are an error.
  static std::optional<std::string> own_text(const pugi::xml_node& node) {
    std::string text;
    for (pugi::xml_node c = node.first_child(); c; c = c.next_sibling()) {
      if (c.type() == pugi::node_pcdata || c.type() == pugi::node_cdata) text += c.value();
      else if (c.type() == pugi::node_element)
        throw InvalidDocument(cat(element_path(node), " must hold text, not elements"));
    }
    const std::string_view t = trim(text);
    if (t.empty()) return std::nullopt;
    return std::string(t);
  }

 private:
  std::string_view ns_;
};

}  // namespace ecid::sdk

#endif  // ECID_SDK_XML_HPP
