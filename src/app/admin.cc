#include "kongdb/app/admin.h"

#include <sstream>

#include "kongdb/app/open.h"

namespace kongdb::app {

admin::HandlerFactory admin_api(const Config& config, admin::ApiOptions options) {
  return admin::make_admin_api(
      [config] {
        std::ostringstream log;  // the caller bootstrapped already; nothing to report
        return open_db(config, log);
      },
      config, std::move(options));
}

}  // namespace kongdb::app
