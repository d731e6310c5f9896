// The one include of Boost.Asio/Beast for the origin. <utility> must come
// first: Boost 1.74's awaitable.hpp uses std::exchange without including it.
#pragma once

#include <utility>

#include <boost/asio.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

namespace vigil::origin {
namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = boost::beast::http;
using tcp = boost::asio::ip::tcp;
template <typename T>
using awaitable = boost::asio::awaitable<T>;
}  // namespace vigil::origin
