// Asio.SSL and Beast compiled once for the whole program (separate compilation); only the
// Bot API transport, the metrics server and the heartbeat ping use them.
#include <boost/asio/ssl/impl/src.hpp>
#include <boost/beast/src.hpp>
