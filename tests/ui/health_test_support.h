// The health panels' suites: a real embedded engine (loopback ports, data in
// a temporary directory) and the console's client over it, polling fast so a
// suite does not wait on the default half second.
#pragma once

#include <QApplication>
#include <QTemporaryDir>
#include <QWidget>
#include <QtTest>

#include <memory>
#include <vector>

#include "engine_client.h"
#include "support/test_engine.h"
#include "support/wait_for.h"
#include "theme.h"

namespace vigil::test {

struct EmbeddedConsole {
  QTemporaryDir dir;
  std::shared_ptr<control::Engine> engine;
  std::unique_ptr<ui::EngineClient> client;

  // srt: an SRT listener for channels with contribution inputs.
  bool start(std::vector<ChannelSpec> channels, bool srt = false, const QString& operatorName = "operator") {
    control::EngineConfig cfg = loopbackConfig(dir, std::move(channels));
    if (srt) cfg.srt.listen = "127.0.0.1:0";
    auto started = startEngine(cfg);
    if (!started) return false;
    engine = std::move(started);
    client = std::make_unique<ui::EngineClient>(engine, QStringLiteral("embedded"));
    client->setOperatorName(operatorName);
    client->start(200);
    return waitFor([this] { return !client->snapshot().channels.empty(); }, 5000);
  }

  ~EmbeddedConsole() {
    client.reset();  // its poller and pool end before the engine does
    if (engine) engine->stop();
  }
};

// With VIGIL_UI_GRAB_DIR set, saves what the widget shows (in the console's
// theme) as <dir>/<name>.png: a look at a panel without a display.
inline void grabFor(QWidget& widget, const QString& name) {
  const QString dir = qEnvironmentVariable("VIGIL_UI_GRAB_DIR");
  if (dir.isEmpty()) return;
  static bool themed = false;
  if (!themed) {
    ui::applyControlRoomTheme(*qApp);
    themed = true;
  }
  QTest::qWait(50);  // a restyled widget repaints
  widget.grab().save(dir + "/" + name + ".png");
}

// A channel on the test source: one 320x180 rung, one pipeline (cheap).
inline ChannelSpec singleTinyChannel(const std::string& id) {
  ChannelSpec ch = tinyChannel(id);
  ch.redundancy.mode = "single";
  return ch;
}

}  // namespace vigil::test
