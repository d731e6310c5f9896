// What a channel puts on air, as the tally colour of its tile: the one glance
// an operator gives a wall of channels at 3 am.
#pragma once

#include <QColor>
#include <QString>

#include "control/engine_api.h"

namespace vigil::ui {

enum class Tally {
  Primary,  // on air from its primary input (or its built-in source)
  Backup,   // on air from a backup input
  Slate,    // no usable input, or no pipeline delivering: the slate is on air
  Down,     // not running, or nothing reaches the manifest
};

Tally tallyOf(const control::ChannelStatus& channel);
QColor tallyColor(Tally tally);
QString tallyText(Tally tally);  // translated
// A sentence on what is on air: "On air from backup (primary: loss of signal)".
QString onAirText(const control::ChannelStatus& channel);

// The pipeline whose parts are on air (-1: none, or a single-pipeline channel not yet producing).
int activePipeline(const control::ChannelStatus& channel);

// Manifest age in the console's colours: fine, warning, critical.
QColor ageColor(double ageSeconds, double warningSeconds, double criticalSeconds);

}  // namespace vigil::ui
