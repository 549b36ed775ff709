// The proxy flags through resolve_connection: --proxy, --no-proxy, --proxy-password-file and the
// injected *_PROXY environment become transport_options::proxy, per broker; the usage errors.
#include "common/connection_options.hpp"
#include "common/help_sections.hpp"

#include <CLI/CLI.hpp>
#include <doctest/doctest.h>

#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

using namespace mqtk::apps;
using mqtk::net::proxy_type;

namespace {

resolved_connection resolve(std::vector<std::string> args, const environment &env = {},
                            broker_count count = broker_count::one) {
  CLI::App app;
  connection_flags flags;
  add_connection_options(app, flags, count);
  std::vector<const char *> argv{"mqtk-test"};
  for (const auto &arg : args)
    argv.push_back(arg.c_str());
  mqtk::apps::add_needed_sections(app, static_cast<int>(argv.size()), argv.data()); // as parse_command_line
  app.parse(static_cast<int>(argv.size()), const_cast<char **>(argv.data()));
  return resolve_connection(app, flags, env, {"test", 60.0});
}

environment with_proxy_env(std::optional<named_value> all, std::optional<named_value> no = std::nullopt) {
  environment env;
  env.proxy.all_proxy = std::move(all);
  env.proxy.no_proxy = std::move(no);
  return env;
}

} // namespace

TEST_CASE("proxy flags: --proxy becomes the transport's proxy") {
  const auto r = resolve({"-h", "broker.lan", "--proxy", "socks5h://u:pw@proxy.lan:1081"});
  REQUIRE(r.error.empty());
  const auto &p = r.options.transport.proxy;
  CHECK(p.type == proxy_type::socks5h);
  CHECK(p.host == "proxy.lan");
  CHECK(p.port == 1081);
  CHECK(*p.username == "u");
  CHECK(*p.password == "pw");
  CHECK(r.brokers.front().proxy.type == proxy_type::socks5h);
}

TEST_CASE("proxy flags: the environment, NO_PROXY per broker and --no-proxy") {
  const auto env =
      with_proxy_env(named_value{"ALL_PROXY", "http://proxy.lan:3128"}, named_value{"NO_PROXY", "near.lan"});
  SUBCASE("ALL_PROXY for mqtt://") {
    const auto r = resolve({"-h", "far.example"}, env);
    REQUIRE(r.error.empty());
    CHECK(r.options.transport.proxy.type == proxy_type::http);
    CHECK(r.options.transport.proxy.port == 3128);
  }
  SUBCASE("NO_PROXY decides for each broker of a list") {
    const auto r = resolve({"-h", "far.example,a.near.lan"}, env, broker_count::several);
    REQUIRE(r.error.empty());
    REQUIRE(r.brokers.size() == 2);
    CHECK(r.brokers[0].proxy.type == proxy_type::http);
    CHECK(r.brokers[1].proxy.type == proxy_type::none);
  }
  SUBCASE("--no-proxy") {
    const auto r = resolve({"-h", "far.example", "--no-proxy"}, env);
    REQUIRE(r.error.empty());
    CHECK(r.options.transport.proxy.type == proxy_type::none);
  }
  SUBCASE("a bad variable is a usage error naming it") {
    const auto r = resolve({"-h", "far.example"}, with_proxy_env(named_value{"all_proxy", "ftp://x"}));
    CHECK(r.error.find("all_proxy: proxy URL: unknown scheme 'ftp'") == 0);
  }
}

TEST_CASE("proxy flags: usage errors") {
  CHECK(resolve({"--proxy", "socks5://p", "--no-proxy"}).error == "give only one of --proxy and --no-proxy");
  CHECK(resolve({"--unix", "/tmp/x.sock", "--proxy", "socks5://p"}).error ==
        "--proxy cannot be used with a Unix socket connection");
  CHECK(resolve({"--proxy-password-file", "/nonexistent"}).error.find("needs a proxy") != std::string::npos);
  CHECK(resolve({"--proxy", "http://p", "--proxy-password-file", "/nonexistent"}).error ==
        "--proxy-password-file needs a user name in the proxy URL (user@host)");
  CHECK(
      resolve({"--proxy", "http://u:pw@p", "--proxy-password-file", "/nonexistent"}).error.find("not both") !=
      std::string::npos);
}

TEST_CASE("proxy flags: --proxy-password-file is read like --password-file") {
  const auto path = std::filesystem::temp_directory_path() / ("mqtk-proxy-pw-" + std::to_string(::getpid()));
  {
    std::ofstream out(path);
    out << "s3cret\nignored\n";
  }
  ::chmod(path.c_str(), 0600);
  auto r = resolve({"--proxy", "http://alice@p:3128", "--proxy-password-file", path.string()});
  REQUIRE(r.error.empty());
  CHECK(*r.options.transport.proxy.password == "s3cret");
  ::chmod(path.c_str(), 0644);
  r = resolve({"--proxy", "http://alice@p:3128", "--proxy-password-file", path.string()});
  CHECK_FALSE(r.error.empty());
  std::filesystem::remove(path);
}
