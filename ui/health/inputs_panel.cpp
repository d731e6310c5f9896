#include "health/inputs_panel.h"

#include <QHBoxLayout>
#include <QLabel>
#include <QVBoxLayout>

#include "health/input_card.h"
#include "tally.h"

namespace vigil::ui {

InputsPanel::InputsPanel(EngineClient* client, QWidget* parent)
    : QWidget(parent),
      client_(client),
      switch_(new QLabel(this)),
      noInputs_(new QLabel(tr("This channel has no contribution inputs: it plays the built-in test source."), this)),
      cardRow_(new QHBoxLayout) {
  setObjectName(QStringLiteral("inputsPanel"));
  switch_->setObjectName(QStringLiteral("inputSwitchState"));
  noInputs_->setObjectName(QStringLiteral("noInputs"));
  noInputs_->setWordWrap(true);
  noInputs_->setVisible(false);
  auto* layout = new QVBoxLayout(this);
  layout->setContentsMargins(0, 0, 0, 0);
  layout->addWidget(switch_);
  layout->addWidget(noInputs_);
  layout->addLayout(cardRow_, 1);
  connect(client_, &EngineClient::snapshotUpdated, this, &InputsPanel::onSnapshot);
}

void InputsPanel::setChannel(const std::string& channelId) {
  if (channelId == channelId_) return;
  channelId_ = channelId;
  clearCards();  // another channel's history would lie
  onSnapshot();
}

void InputsPanel::clearCards() {
  for (auto& [id, card] : cards_) delete card;
  cards_.clear();
  order_.clear();
}

void InputsPanel::onSnapshot() {
  const auto* c = channelId_.empty() ? nullptr : client_->channel(channelId_);
  if (!c) {
    clearCards();
    switch_->setText(channelId_.empty()
                         ? QString()
                         : tr("Channel %1 is not known to the engine.").arg(QString::fromStdString(channelId_)));
    noInputs_->setVisible(false);
    return;
  }
  noInputs_->setVisible(c->inputs.empty());
  if (c->inputs.empty()) {
    clearCards();
    switch_->clear();
    switch_->setVisible(false);
    return;
  }
  switch_->setVisible(true);
  QString text = tr("On air: %1").arg(c->onAir.empty() ? tr("nothing") : QString::fromStdString(c->onAir));
  text += c->holdOnBackup ? tr(" · held on backup (no automatic return to the primary)")
                          : tr(" · automatic return to the primary");
  text += tr(" · %n input switch(es)", nullptr, static_cast<int>(c->inputSwitches));
  switch_->setText(text);
  switch_->setStyleSheet(c->holdOnBackup ? QStringLiteral("color: %1").arg(tallyColor(Tally::Backup).name())
                                         : QString());

  // Inputs come and go only when the channel is edited; keep cards (and their history) otherwise.
  std::vector<std::string> ids;
  for (const auto& in : c->inputs) ids.push_back(in.id);
  if (ids != order_) {
    std::map<std::string, InputCard*> kept;
    for (auto& [id, card] : cards_) cardRow_->removeWidget(card);
    for (size_t i = 0; i < ids.size(); ++i) {
      auto it = cards_.find(ids[i]);
      InputCard* card = it != cards_.end() ? it->second : new InputCard(ids[i], i == 0, this);
      if (it != cards_.end()) cards_.erase(it);
      cardRow_->addWidget(card, 1);
      kept[ids[i]] = card;
    }
    clearCards();  // what is left was removed from the channel
    cards_ = std::move(kept);
    order_ = std::move(ids);
  }
  for (const auto& in : c->inputs) cards_.at(in.id)->setInput(in, client_->snapshot().takenUtcUs);
}

InputCard* InputsPanel::card(const std::string& inputId) const {
  const auto it = cards_.find(inputId);
  return it == cards_.end() ? nullptr : it->second;
}

bool InputsPanel::showsNoInputs() const { return !noInputs_->isHidden(); }

QString InputsPanel::switchText() const { return switch_->text(); }

}  // namespace vigil::ui
