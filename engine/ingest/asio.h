// The one include of Boost.Asio for ingest (the RTMP listener). <utility>
// must come first: Boost 1.74's awaitable.hpp uses std::exchange without
// including it. Internal to ingest's sources: public headers do not include it.
#pragma once

#include <utility>

#include <boost/asio.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/use_awaitable.hpp>

namespace vigil::ingest {
namespace asio = boost::asio;
using tcp = boost::asio::ip::tcp;
template <typename T>
using awaitable = boost::asio::awaitable<T>;
}  // namespace vigil::ingest
