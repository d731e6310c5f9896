// vigil: the master-control console. Embeds an engine (channels from a config
// file or the demo) and/or attaches to remote vigild engines over their
// control API, and shows them in the Qt console. Without a display it says so
// and runs the embedded engine headless, as vigild would.
#include <QApplication>
#include <QCommandLineParser>
#include <QTimer>

#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string>
#include <vector>

#include <spdlog/spdlog.h>

#include "channel_view.h"
#include "control/engine.h"
#include "control/remote_engine.h"
#include "engine_host.h"
#include "host_logging.h"
#include "main_window.h"
#include "theme.h"

namespace {

constexpr const char* kUsageHead = R"(Usage: vigil [options]

The Vigil master-control console. It embeds an engine running the channels of
--config (or the demo channels) and can attach to remote vigild engines; one
window watches them all. Without a display it runs the embedded engine
headless, as vigild does.

Engine options (the embedded engine):
)";
constexpr const char* kUsageTail = R"(
Console options:
  --remote URL        attach to a remote vigild (repeatable), e.g. http://host:8080
  --remote-token T    the remote engines' control token (also VIGIL_REMOTE_TOKEN)
  --operator NAME     who is at the desk (kept in every action's event; default: $USER)
  --language L        en | de (default: the operator's last choice)
  --open CHANNEL      open this channel's view at start
  --edit CHANNEL      open the channel editor on this channel at start ("new": a new one)
  --help              this text
  --version           print the version
)";

bool hasDisplay() {
  if (const char* p = std::getenv("QT_QPA_PLATFORM"); p && *p) return true;  // the caller chose a platform
  for (const char* var : {"DISPLAY", "WAYLAND_DISPLAY"})
    if (const char* v = std::getenv(var); v && *v) return true;
  return false;
}

}  // namespace

int main(int argc, char** argv) {
  vigil::app::EngineOptions options;
  std::vector<std::string> remotes;
  std::string remoteToken, operatorName, language, openChannel, editChannel;
  if (const char* user = std::getenv("USER"); user && *user) operatorName = user;
  if (const char* t = std::getenv("VIGIL_REMOTE_TOKEN"); t && *t) remoteToken = t;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    auto value = [&](std::string& out) {
      if (i + 1 >= argc) {
        std::fprintf(stderr, "vigil: %s needs a value\n", argv[i]);
        return false;
      }
      out = argv[++i];
      return true;
    };
    if (a == "--help" || a == "-h") {
      std::printf("%s%s%s", kUsageHead, vigil::app::kEngineOptionsHelp, kUsageTail);
      return 0;
    } else if (a == "--version") {
      std::printf("vigil %s\n", VIGIL_VERSION);
      return 0;
    } else if (a == "--remote") {
      std::string url;
      if (!value(url)) return 2;
      remotes.push_back(url);
    } else if (a == "--remote-token") {
      if (!value(remoteToken)) return 2;
    } else if (a == "--operator") {
      if (!value(operatorName)) return 2;
    } else if (a == "--language") {
      if (!value(language)) return 2;
    } else if (a == "--open") {
      if (!value(openChannel)) return 2;
    } else if (a == "--edit") {
      if (!value(editChannel)) return 2;
    } else {
      switch (vigil::app::takeEngineOption(i, argc, argv, options, "vigil")) {
        case vigil::app::OptionResult::Taken:
          continue;
        case vigil::app::OptionResult::Error:
          return 2;
        case vigil::app::OptionResult::NotMine:
          std::fprintf(stderr, "vigil: unknown option '%s' (see --help)\n", a.c_str());
          return 2;
      }
    }
  }
  if (!language.empty() && language != "en" && language != "de") {
    std::fprintf(stderr, "vigil: --language must be en or de\n");
    return 2;
  }

  auto config = vigil::app::makeConfig(options);
  if (!config) {
    std::fprintf(stderr, "vigil: %s\n", config.message().c_str());
    return 2;
  }
  const bool embedded = !config->channels.empty();
  if (!embedded && remotes.empty()) {
    std::fprintf(stderr, "vigil: nothing to watch: give --config FILE, --demo or --remote URL\n");
    return 2;
  }
  vigil::app::setupLogging(config->log.format, config->log.level);

  if (!hasDisplay()) {
    if (!embedded) {
      std::fprintf(stderr,
                   "vigil: no display (neither DISPLAY nor WAYLAND_DISPLAY is set): the console cannot open, "
                   "and there is no embedded engine to run headless\n");
      return 2;
    }
    std::fprintf(stderr,
                 "vigil: no display (neither DISPLAY nor WAYLAND_DISPLAY is set): running the engine headless, as "
                 "vigild would; attach a console elsewhere with 'vigil --remote http://<this host>:<port>'\n");
    return vigil::app::runHeadless(*config, "vigil");
  }

  std::signal(SIGPIPE, SIG_IGN);
  QApplication app(argc, argv);
  QApplication::setOrganizationName(QStringLiteral("Vigil"));
  QApplication::setApplicationName(QStringLiteral("vigil"));
  QApplication::setApplicationVersion(QStringLiteral(VIGIL_VERSION));
  vigil::ui::applyControlRoomTheme(app);

  std::shared_ptr<vigil::control::Engine> engine;
  if (embedded) {
    auto created = vigil::control::Engine::create(*config);
    if (!created) {
      spdlog::error("cannot start: {}", created.message());
      return 1;
    }
    engine = std::move(*created);
    if (auto s = engine->start(); !s) {
      spdlog::error("cannot start: {}", s.message());
      return 1;
    }
    vigil::app::logEngineStart(*engine, *config, "vigil");
  }

  int exitCode = 0;
  {
    vigil::ui::MainWindow window(QString::fromStdString(operatorName));
    if (!language.empty()) window.setLanguage(QString::fromStdString(language));
    if (engine) window.addEngine(engine, QObject::tr("Embedded engine"));
    for (const auto& url : remotes) {
      auto remote = vigil::control::RemoteEngine::connect(url, remoteToken, window.operatorName().toStdString());
      if (!remote) {
        spdlog::error("cannot attach {}: {}", url, remote.message());
        continue;
      }
      window.addEngine(std::shared_ptr<vigil::control::EngineApi>(std::move(*remote)), QString::fromStdString(url));
    }
    if (window.engineCount() == 0) return 1;
    if (!openChannel.empty()) window.page(0)->showChannel(openChannel);
    window.resize(1600, 960);
    window.show();
    if (!editChannel.empty()) window.openEditor(0, editChannel == "new" ? std::string() : editChannel);
    exitCode = QApplication::exec();
  }  // the window (and its engine clients) go before the engine stops
  if (engine) {
    engine->stop();
    spdlog::info("stopped cleanly");
  }
  return exitCode;
}
