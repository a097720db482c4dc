/* Not an adapter: a shared library whose constructor leaves a file at $ECID_TEST_MARKER. If the
   file appears, the host mapped the library and ran its code, whatever it refused afterwards. */
#include <fcntl.h>
#include <stdlib.h>
#include <unistd.h>

__attribute__((constructor)) static void leave_marker(void) {
  const char* path = getenv("ECID_TEST_MARKER");
  if (!path) return;
  int fd = open(path, O_WRONLY | O_CREAT | O_CLOEXEC, 0644);
  if (fd >= 0) close(fd);
}
