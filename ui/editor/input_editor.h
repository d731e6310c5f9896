// The channel editor's contribution inputs: one row per input (the first is
// the primary), SRT or RTMP. Stream keys and passphrases are secrets: shown
// masked until the operator reveals them.
#pragma once

#include <QWidget>

#include <vector>

#include "core/channel_spec.h"

class QCheckBox;
class QTableWidget;

namespace vigil::ui {

class InputEditor : public QWidget {
  Q_OBJECT

 public:
  enum Column { Type, Id, App, Key, Passphrase, KeyLength, LatencyMs, Allow, ColumnCount };

  explicit InputEditor(QWidget* parent = nullptr);

  void setInputs(const std::vector<InputSpec>& inputs);
  std::vector<InputSpec> inputs() const;

  void addRow();
  void removeRow(int row);
  void setSecretsRevealed(bool revealed);
  bool secretsRevealed() const;
  QTableWidget* table() const { return table_; }

 signals:
  void changed();

 private:
  void insertRow(int row, const InputSpec& in);
  void updateEnabled(int row);
  int rowOf(QWidget* cellWidget) const;

  QTableWidget* table_;
  QCheckBox* reveal_;
};

}  // namespace vigil::ui
