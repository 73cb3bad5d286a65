// How a JSON value's type is named in error messages: "null", "boolean", "number", "string",
// "array" or "object".
#pragma once

#include <boost/json/fwd.hpp>
#include <string_view>

namespace opsd {

std::string_view json_kind_name(const boost::json::value& v);

}  // namespace opsd
