// The types a state file must have where it has a value at all: a hand-edited file with a
// string where the queue's array belongs is unusable (quarantined and alerted), never quietly
// read as empty. Absent keys and nulls are fine (the original omits what it does not use).
#pragma once

#include <boost/json/fwd.hpp>
#include <string>
#include <vector>

namespace opsd {

// Every wrong-typed value that decode_state would otherwise read as its default, as
// "<JSON path>: <what was expected>, got <type>" (e.g. "$.outbox[0].seq: expected a
// non-negative integer, got string"). Empty when the shape is right.
std::vector<std::string> state_shape_problems(const boost::json::value& v);

}  // namespace opsd
