#include "cost/cost_panel.h"

#include <QDoubleSpinBox>
#include <QFormLayout>
#include <QGroupBox>
#include <QHeaderView>
#include <QLabel>
#include <QLocale>
#include <QSpinBox>
#include <QTableWidget>
#include <QTimer>
#include <QVBoxLayout>

#include <cmath>

#include "cost/availability_view.h"
#include "engine_client.h"
#include "tally.h"

namespace vigil::ui {
namespace {

enum Column { Rendition, Picture, Bitrate, Share, ColumnCount };

QLabel* valueLabel(const char* objectName) {
  auto* l = new QLabel(QStringLiteral("—"));
  l->setObjectName(QLatin1String(objectName));
  l->setTextInteractionFlags(Qt::TextSelectableByMouse);
  return l;
}

}  // namespace

CostPanel::CostPanel(EngineClient* client, QWidget* parent) : QWidget(parent), client_(client) {
  setObjectName(QStringLiteral("costPanel"));
  auto* layout = new QVBoxLayout(this);
  title_ = new QLabel;
  title_->setObjectName(QStringLiteral("costTitle"));
  layout->addWidget(title_);

  auto* costBox = new QGroupBox(tr("Event delivery cost"));
  auto* costLayout = new QVBoxLayout(costBox);
  auto* inputs = new QFormLayout;
  inputs->setFieldGrowthPolicy(QFormLayout::FieldsStayAtSizeHint);
  audience_ = new QSpinBox;
  audience_->setObjectName(QStringLiteral("audience"));
  audience_->setRange(0, 2'000'000'000);
  audience_->setSingleStep(10'000);
  audience_->setGroupSeparatorShown(true);
  audience_->setValue(kDefaultAudience);
  price_ = new QDoubleSpinBox;
  price_->setObjectName(QStringLiteral("pricePerGb"));
  price_->setRange(0, 10);
  price_->setDecimals(4);
  price_->setSingleStep(0.001);
  price_->setSuffix(tr(" USD/GB"));
  price_->setValue(kDefaultPricePerGb);
  inputs->addRow(tr("Concurrent viewers"), audience_);
  inputs->addRow(tr("CDN price"), price_);
  costLayout->addLayout(inputs);

  mixTable_ = new QTableWidget(0, ColumnCount);
  mixTable_->setObjectName(QStringLiteral("mixTable"));
  mixTable_->setHorizontalHeaderLabels(
      {tr("Rendition"), tr("Picture"), tr("Bitrate (with audio)"), tr("Share of viewers (%)")});
  mixTable_->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
  mixTable_->horizontalHeader()->setStretchLastSection(true);
  mixTable_->verticalHeader()->setVisible(false);
  mixTable_->setEditTriggers(QAbstractItemView::NoEditTriggers);
  costLayout->addWidget(mixTable_, 1);

  auto* results = new QFormLayout;
  shareTotal_ = valueLabel("shareTotal");
  meanBitrate_ = valueLabel("meanBitrate");
  throughput_ = valueLabel("edgeThroughput");
  egress_ = valueLabel("egressPerHour");
  cost_ = valueLabel("costPerHour");
  results->addRow(tr("Shares add up to"), shareTotal_);
  results->addRow(tr("Mean bitrate per viewer"), meanBitrate_);
  results->addRow(tr("CDN edge throughput"), throughput_);
  results->addRow(tr("Egress per hour"), egress_);
  results->addRow(tr("Cost per hour"), cost_);
  costLayout->addLayout(results);
  layout->addWidget(costBox, 1);

  auto* availabilityBox = new QGroupBox(tr("Availability"));
  auto* availabilityLayout = new QVBoxLayout(availabilityBox);
  availabilityView_ = new AvailabilityView;
  availabilityLayout->addWidget(availabilityView_);
  layout->addWidget(availabilityBox);

  connect(audience_, &QSpinBox::valueChanged, this, &CostPanel::recompute);
  connect(price_, &QDoubleSpinBox::valueChanged, this, &CostPanel::recompute);
  // A saved channel may have a new ladder.
  connect(client_, &EngineClient::actionFinished, this, [this](const QString&, bool ok, const QString&) {
    if (ok && !channelId_.empty()) fetchSpec();
  });
  refresh_ = new QTimer(this);
  refresh_->setInterval(kDefaultRefreshMs);
  connect(refresh_, &QTimer::timeout, this, &CostPanel::fetchAvailability);
  recompute();
}

void CostPanel::setChannel(const std::string& channelId) {
  if (channelId == channelId_) return;
  channelId_ = channelId;
  ++generation_;
  spec_.reset();
  keptShares_.clear();
  availability_.reset();
  availabilityInFlight_ = false;
  availabilityView_->clear();
  mixTable_->setRowCount(0);
  title_->setText(channelId.empty() ? tr("No channel selected")
                                    : tr("Channel %1").arg(QString::fromStdString(channelId)));
  recompute();
  if (channelId.empty()) {
    refresh_->stop();
    return;
  }
  fetchSpec();
  fetchAvailability();
  refresh_->start();
}

void CostPanel::setRefreshIntervalMs(int ms) { refresh_->setInterval(ms); }

void CostPanel::fetchSpec() {
  const std::string id = channelId_;
  const int generation = generation_;
  client_->call(
      this,
      [id](control::EngineApi& api) -> std::optional<ChannelSpec> {
        for (auto& s : api.channelSpecs())
          if (s.id == id) return s;
        return std::nullopt;
      },
      [this, generation](const std::optional<ChannelSpec>& spec) {
        if (generation == generation_) showSpec(spec);
      });
}

void CostPanel::fetchAvailability() {
  if (channelId_.empty() || availabilityInFlight_) return;
  availabilityInFlight_ = true;
  const std::string id = channelId_;
  const int generation = generation_;
  client_->call(
      this, [id](control::EngineApi& api) { return api.availability(id); },
      [this, generation](const Result<monitor::AvailabilityReport>& r) {
        if (generation != generation_) return;
        availabilityInFlight_ = false;
        if (r) {
          availability_ = r.value();
          availabilityView_->setReport(r.value());
        } else {
          availabilityView_->setError(QString::fromStdString(r.message()));
        }
        emit availabilityUpdated();
      });
}

void CostPanel::showSpec(const std::optional<ChannelSpec>& spec) {
  // Keep the operator's shares where the ladder keeps the rendition.
  for (const auto& r : mix()) keptShares_[r.id] = r.sharePercent;
  spec_ = spec;
  mixTable_->setRowCount(0);
  if (!spec) {
    title_->setText(tr("The engine has no channel %1.").arg(QString::fromStdString(channelId_)));
    recompute();
    emit specChanged();
    return;
  }
  const auto defaults = defaultSharesPercent(spec->video.size());
  bool allKept = !keptShares_.empty();
  for (const auto& r : spec->video) allKept = allKept && keptShares_.count(r.id);
  for (size_t i = 0; i < spec->video.size(); ++i) {
    const auto& r = spec->video[i];
    const int row = mixTable_->rowCount();
    mixTable_->insertRow(row);
    mixTable_->setItem(row, Rendition, new QTableWidgetItem(QString::fromStdString(r.id)));
    mixTable_->setItem(row, Picture,
                       new QTableWidgetItem(tr("%1×%2 at %3 fps").arg(r.width).arg(r.height).arg(r.frameRateNum)));
    mixTable_->setItem(row, Bitrate,
                       new QTableWidgetItem(formatBitrate(static_cast<double>(r.bitrateBps + spec->audio.bitrateBps))));
    auto* share = new QDoubleSpinBox;
    share->setObjectName(QStringLiteral("share:") + QString::fromStdString(r.id));
    share->setRange(0, 100);
    share->setDecimals(1);
    share->setSuffix(QStringLiteral(" %"));
    // A changed ladder starts from the default spread (kept shares would not add up).
    share->setValue(allKept ? keptShares_[r.id] : defaults[i]);
    connect(share, &QDoubleSpinBox::valueChanged, this, &CostPanel::recompute);
    mixTable_->setCellWidget(row, Share, share);
  }
  recompute();
  emit specChanged();
}

void CostPanel::setAudience(int viewers) { audience_->setValue(viewers); }
void CostPanel::setPricePerGb(double price) { price_->setValue(price); }

bool CostPanel::setSharePercent(const std::string& renditionId, double percent) {
  for (int row = 0; row < mixTable_->rowCount(); ++row)
    if (mixTable_->item(row, Rendition)->text().toStdString() == renditionId) {
      qobject_cast<QDoubleSpinBox*>(mixTable_->cellWidget(row, Share))->setValue(percent);
      return true;
    }
  return false;
}

double CostPanel::sharePercent(const std::string& renditionId) const {
  for (const auto& r : mix())
    if (r.id == renditionId) return r.sharePercent;
  return 0;
}

std::vector<RenditionShare> CostPanel::mix() const {
  std::vector<RenditionShare> out;
  if (!spec_) return out;
  for (int row = 0; row < mixTable_->rowCount() && row < static_cast<int>(spec_->video.size()); ++row) {
    const auto& r = spec_->video[static_cast<size_t>(row)];
    // A viewer receives the video rendition and the audio alongside.
    out.push_back({r.id, qobject_cast<QDoubleSpinBox*>(mixTable_->cellWidget(row, Share))->value(),
                   r.bitrateBps + spec_->audio.bitrateBps});
  }
  return out;
}

void CostPanel::recompute() {
  estimate_ = estimateEgress(mix(), audience_->value(), price_->value());
  if (!spec_) {
    for (auto* l : {shareTotal_, meanBitrate_, throughput_, egress_, cost_}) l->setText(QStringLiteral("—"));
    return;
  }
  const double total = estimate_.shareTotalPercent;
  const bool whole = std::fabs(total - 100.0) < 0.05;
  shareTotal_->setText(whole ? QLocale().toString(total, 'f', 1) + QStringLiteral(" %")
                             : tr("%1 % (scaled to 100 %)").arg(QLocale().toString(total, 'f', 1)));
  shareTotal_->setStyleSheet(whole ? QString() : QStringLiteral("color: %1;").arg(tallyColor(Tally::Backup).name()));
  meanBitrate_->setText(formatBitrate(estimate_.meanBitrateBps));
  throughput_->setText(formatBitrate(estimate_.meanBitrateBps * audience_->value()));
  egress_->setText(tr("%1 per hour").arg(formatBytes(estimate_.bytesPerHour)));
  cost_->setText(tr("%1 USD per hour").arg(QLocale().toString(estimate_.costPerHour, 'f', 0)));
}

}  // namespace vigil::ui
