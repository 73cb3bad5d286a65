// Asio compiled once for the whole program (separate compilation). Asio.SSL and Beast are
// in ssl_impl.cpp, so a program that does no TLS (opsctl) links neither them nor OpenSSL.
#include <boost/asio/impl/src.hpp>
