// Separate compilation of Boost.Asio (with SSL) and Boost.Beast: compiled here once, declared
// everywhere else through BOOST_ASIO_SEPARATE_COMPILATION / BOOST_BEAST_SEPARATE_COMPILATION.
#include <boost/asio/impl/src.hpp>
#include <boost/asio/ssl/impl/src.hpp>
#include <boost/beast/src.hpp>
