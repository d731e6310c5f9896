// Engines for the facade tests: a loopback configuration (ephemeral ports,
// data in a temporary directory) and a started engine, with the reason
// logged when it cannot start.
#pragma once

#include <QTemporaryDir>
#include <QtGlobal>

#include <memory>
#include <string>
#include <vector>

#include "control/engine.h"

namespace vigil::test {

// One 320x180 rung at ultrafast: the cheapest real channel.
inline ChannelSpec tinyChannel(const std::string& id) {
  ChannelSpec ch;
  ch.id = id;
  ch.name = id;
  ch.source.width = 320;
  ch.source.height = 180;
  VideoRenditionSpec v;
  v.id = "v0";
  v.width = 320;
  v.height = 180;
  v.bitrateBps = 300'000;
  v.preset = "ultrafast";
  ch.video = {v};
  return ch;
}

inline control::EngineConfig loopbackConfig(const QTemporaryDir& dir, std::vector<ChannelSpec> channels) {
  control::EngineConfig cfg;
  cfg.dataDir = dir.path().toStdString();
  cfg.http.listen = "127.0.0.1:0";
  cfg.channels = std::move(channels);
  return cfg;
}

inline std::unique_ptr<control::Engine> startEngine(const control::EngineConfig& cfg) {
  auto engine = control::Engine::create(cfg);
  if (!engine) {
    qWarning("%s", engine.message().c_str());
    return nullptr;
  }
  if (auto s = (*engine)->start(); !s) {
    qWarning("%s", s.message().c_str());
    return nullptr;
  }
  return std::move(*engine);
}

}  // namespace vigil::test
