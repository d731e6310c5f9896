// The channel editor's ladder: a preset (the product default ladder capped at
// the source, or the demo ladder) and custom rows, one per video rendition.
#pragma once

#include <QWidget>

#include <functional>
#include <vector>

#include "core/channel_spec.h"

class QComboBox;
class QTableWidget;

namespace vigil::ui {

class LadderEditor : public QWidget {
  Q_OBJECT

 public:
  enum Column { Id, Width, Height, Fps, BitrateKbps, MaxrateKbps, BufsizeKbits, Preset, Profile, Level, ColumnCount };

  // source(): the channel's source as the form holds it (the default ladder is capped at it).
  explicit LadderEditor(std::function<TestSourceSpec()> source, QWidget* parent = nullptr);

  void setRenditions(const std::vector<VideoRenditionSpec>& renditions);
  std::vector<VideoRenditionSpec> renditions() const;

  // "default" or "demo" (control/config: the ladder names the config file takes).
  void applyPreset(const QString& name);
  void addRow();
  void removeRow(int row);
  QTableWidget* table() const { return table_; }

 signals:
  void changed();

 private:
  void insertRow(int row, const VideoRenditionSpec& r);
  VideoRenditionSpec rowSpec(int row) const;

  std::function<TestSourceSpec()> source_;
  QTableWidget* table_;
  QComboBox* preset_;
  // Per row, the rendition it was loaded from: fields the table does not
  // show (the frame-rate denominator) keep their values.
  std::vector<VideoRenditionSpec> base_;
};

}  // namespace vigil::ui
