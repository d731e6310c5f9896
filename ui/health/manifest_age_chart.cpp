#include "health/manifest_age_chart.h"

#include <QButtonGroup>
#include <QChart>
#include <QChartView>
#include <QDateTime>
#include <QDateTimeAxis>
#include <QHBoxLayout>
#include <QLabel>
#include <QLegendMarker>
#include <QLineSeries>
#include <QPushButton>
#include <QTimer>
#include <QVBoxLayout>
#include <QValueAxis>

#include <algorithm>
#include <chrono>

#include "health/health_style.h"
#include "monitor/alarm_rules.h"

namespace vigil::ui {

namespace {

constexpr int64_t kMinuteUs = 60'000'000;
constexpr int64_t kSpecRefreshUs = 30'000'000;  // a channel edited meanwhile: its thresholds again

int64_t nowUtcUs() {
  using namespace std::chrono;
  return duration_cast<microseconds>(system_clock::now().time_since_epoch()).count();
}

double toMs(int64_t utcUs) { return static_cast<double>(utcUs / 1000); }

}  // namespace

// What one query brings back; built on the pool, drawn on the GUI thread.
struct ManifestAgeChart::Answer {
  uint64_t generation = 0;
  bool incremental = false;  // the series hold only what is new since each line's lastUtcUs
  int64_t toUtcUs = 0;
  bool specRead = false;
  bool specFound = false;
  double warningSeconds = 0;
  double criticalSeconds = 0;
  std::vector<std::string> renditions;
  std::vector<std::pair<std::string, std::vector<monitor::AgePoint>>> series;
};

ManifestAgeChart::ManifestAgeChart(EngineClient* client, QWidget* parent)
    : QWidget(parent),
      client_(client),
      chart_(new QChart),
      view_(new QChartView(chart_, this)),
      timeAxis_(new QDateTimeAxis),
      ageAxis_(new QValueAxis),
      warningLine_(new QLineSeries),
      criticalLine_(new QLineSeries),
      rangeButtons_(new QButtonGroup(this)),
      note_(new QLabel(this)),
      timer_(new QTimer(this)) {
  setObjectName(QStringLiteral("manifestAgeChart"));
  styleChart(chart_);
  chart_->setTitle(tr("Manifest age"));
  timeAxis_->setTitleText(tr("Time"));
  ageAxis_->setTitleText(tr("Age (s)"));
  ageAxis_->setLabelFormat(QStringLiteral("%.1f"));
  chart_->addAxis(timeAxis_, Qt::AlignBottom);
  chart_->addAxis(ageAxis_, Qt::AlignLeft);
  styleAxis(timeAxis_);
  styleAxis(ageAxis_);

  for (auto* line : {warningLine_, criticalLine_}) {
    chart_->addSeries(line);
    line->attachAxis(timeAxis_);
    line->attachAxis(ageAxis_);
    line->setVisible(false);  // until the channel's thresholds are known
  }
  warningLine_->setObjectName(QStringLiteral("warningThreshold"));
  criticalLine_->setObjectName(QStringLiteral("criticalThreshold"));
  warningLine_->setPen(QPen(severityColor(monitor::Severity::Warning), 1.5, Qt::DashLine));
  criticalLine_->setPen(QPen(severityColor(monitor::Severity::Critical), 1.5, Qt::DashLine));

  view_->setObjectName(QStringLiteral("manifestAgeView"));
  view_->setRenderHint(QPainter::Antialiasing);
  view_->setMinimumHeight(220);

  auto* bar = new QHBoxLayout;
  const std::pair<Range, QString> ranges[] = {
      {Range::Last5Minutes, tr("5 min")}, {Range::LastHour, tr("1 hour")}, {Range::Last24Hours, tr("24 hours")}};
  for (const auto& [r, text] : ranges) {
    auto* b = new QPushButton(text, this);
    b->setCheckable(true);
    b->setObjectName(QStringLiteral("range%1").arg(static_cast<int>(r)));
    rangeButtons_->addButton(b, static_cast<int>(r));
    bar->addWidget(b);
  }
  rangeButtons_->button(static_cast<int>(range_))->setChecked(true);
  connect(rangeButtons_, &QButtonGroup::idClicked, this, [this](int id) { setRange(static_cast<Range>(id)); });
  note_->setObjectName(QStringLiteral("manifestAgeNote"));
  bar->addStretch(1);
  bar->addWidget(note_);
  bar->addSpacing(8);

  auto* layout = new QVBoxLayout(this);
  layout->setContentsMargins(0, 0, 0, 0);
  layout->addLayout(bar);
  layout->addWidget(view_, 1);

  connect(timer_, &QTimer::timeout, this, &ManifestAgeChart::refresh);
  timer_->start(refreshMs());
}

ManifestAgeChart::~ManifestAgeChart() = default;

void ManifestAgeChart::setChannel(const std::string& channelId) {
  if (channelId == channelId_) return;
  channelId_ = channelId;
  ++generation_;
  thresholdsKnown_ = false;
  specFetchedUs_ = 0;
  renditions_.clear();
  warningLine_->setVisible(false);
  criticalLine_->setVisible(false);
  clearSeries();
  refresh();
}

void ManifestAgeChart::setRange(Range range) {
  if (auto* b = rangeButtons_->button(static_cast<int>(range))) b->setChecked(true);
  if (range == range_) return;
  range_ = range;
  ++generation_;
  clearSeries();
  timer_->start(refreshMs());
  refresh();
}

int64_t ManifestAgeChart::spanUs() const {
  switch (range_) {
    case Range::Last5Minutes:
      return 5 * kMinuteUs;
    case Range::LastHour:
      return 60 * kMinuteUs;
    case Range::Last24Hours:
      return 24 * 60 * kMinuteUs;
  }
  return 5 * kMinuteUs;
}

int ManifestAgeChart::refreshMs() const {
  // The long ranges move by a 10 s bucket at a time: no use asking every second.
  switch (range_) {
    case Range::Last5Minutes:
      return 1000;
    case Range::LastHour:
      return 10'000;
    case Range::Last24Hours:
      return 60'000;
  }
  return 1000;
}

void ManifestAgeChart::showEvent(QShowEvent* event) {
  QWidget::showEvent(event);
  refresh();
}

void ManifestAgeChart::refresh() {
  // Nothing to draw for, or the previous question still out: the next tick asks.
  if (channelId_.empty() || inFlight_ || !isVisible()) return;
  const int64_t now = nowUtcUs();
  // The spec at first, then every half minute (an edited channel; one declared meanwhile).
  const bool needSpec = specFetchedUs_ == 0 || now - specFetchedUs_ > kSpecRefreshUs;
  std::vector<std::string> renditions = renditions_;
  if (renditions.empty())
    if (const auto* c = client_->channel(channelId_))
      for (const auto& r : c->renditions) renditions.push_back(r.id);
  // The short range continues each line after its newest point; the long ones are read whole.
  const bool incremental = range_ == Range::Last5Minutes;
  std::map<std::string, int64_t> from;
  for (const auto& r : renditions) {
    int64_t f = now - spanUs();
    if (incremental)
      if (auto it = lines_.find(r); it != lines_.end() && it->second.lastUtcUs > 0)
        f = std::max(f, it->second.lastUtcUs + 1);
    from[r] = f;
  }
  inFlight_ = true;
  const uint64_t generation = generation_;
  const std::string channelId = channelId_;
  const int64_t span = spanUs();
  client_->call(
      this,
      [=](control::EngineApi& api) {
        Answer a;
        a.generation = generation;
        a.incremental = incremental;
        a.toUtcUs = now;
        a.renditions = renditions;
        if (needSpec) {
          a.specRead = true;
          for (const auto& spec : api.channelSpecs())
            if (spec.id == channelId) {
              const auto t = monitor::ageThresholds(spec.packaging, spec.alarms);
              a.specFound = true;
              a.warningSeconds = static_cast<double>(t.warningUs) / 1e6;
              a.criticalSeconds = static_cast<double>(t.criticalUs) / 1e6;
              a.renditions = vigil::renditionIds(spec);
            }
        }
        for (const auto& r : a.renditions) {
          const auto it = from.find(r);
          const int64_t f = it != from.end() ? it->second : now - span;
          a.series.emplace_back(r, api.manifestAgeSeries(channelId, r, f, now + 1));
        }
        return a;
      },
      [this](const Answer& a) {
        inFlight_ = false;
        if (a.generation != generation_) {
          refresh();  // the question changed meanwhile: ask the new one now
          return;
        }
        draw(a);
      });
}

ManifestAgeChart::Line& ManifestAgeChart::lineFor(const std::string& renditionId) {
  auto [it, added] = lines_.try_emplace(renditionId);
  if (!added) return it->second;
  Line& line = it->second;
  const QColor color = seriesColor(static_cast<int>(lines_.size()) - 1);
  line.mean = new QLineSeries;
  line.mean->setName(QString::fromStdString(renditionId));
  line.mean->setObjectName(QStringLiteral("age_%1").arg(QString::fromStdString(renditionId)));
  line.mean->setPen(QPen(color, 1.5));
  line.max = new QLineSeries;
  line.max->setName(tr("%1 max").arg(QString::fromStdString(renditionId)));
  line.max->setObjectName(QStringLiteral("ageMax_%1").arg(QString::fromStdString(renditionId)));
  line.max->setPen(QPen(color, 1, Qt::DotLine));
  for (auto* s : {line.mean, line.max}) {
    chart_->addSeries(s);
    s->attachAxis(timeAxis_);
    s->attachAxis(ageAxis_);
  }
  // The dashed max explains itself next to its line; one legend entry per rendition.
  for (auto* marker : chart_->legend()->markers(line.max)) marker->setVisible(false);
  return line;
}

void ManifestAgeChart::clearSeries() {
  for (auto& [id, line] : lines_) {
    chart_->removeSeries(line.mean);
    chart_->removeSeries(line.max);
    delete line.mean;
    delete line.max;
  }
  lines_.clear();
}

void ManifestAgeChart::draw(const Answer& a) {
  if (a.specRead) {
    specFetchedUs_ = a.toUtcUs;
    if (a.specFound) {
      thresholdsKnown_ = true;
      warningSeconds_ = a.warningSeconds;
      criticalSeconds_ = a.criticalSeconds;
      renditions_ = a.renditions;
      warningLine_->setName(tr("warning %1 s").arg(warningSeconds_, 0, 'f', 1));
      criticalLine_->setName(tr("critical %1 s").arg(criticalSeconds_, 0, 'f', 1));
      warningLine_->setVisible(true);
      criticalLine_->setVisible(true);
    }
  }
  const int64_t oldest = a.toUtcUs - spanUs();
  const bool buckets = range_ != Range::Last5Minutes;
  for (const auto& [rid, points] : a.series) {
    Line& line = lineFor(rid);
    QList<QPointF> mean = a.incremental ? line.mean->points() : QList<QPointF>{};
    QList<QPointF> max;
    // Drop what slid out of the window (the short range keeps its points between answers).
    const double oldestMs = toMs(oldest);
    const auto firstKept =
        std::find_if(mean.begin(), mean.end(), [oldestMs](const QPointF& p) { return p.x() >= oldestMs; });
    mean.erase(mean.begin(), firstKept);
    for (const auto& p : points) {
      mean.append(QPointF(toMs(p.utcUs), p.ageSeconds));
      if (buckets) max.append(QPointF(toMs(p.utcUs), p.maxAgeSeconds));
      line.lastUtcUs = std::max(line.lastUtcUs, p.utcUs);
    }
    line.mean->replace(mean);
    line.max->replace(max);
    line.max->setVisible(buckets);
  }
  updateAxes(a.toUtcUs);
  note_->setText(buckets ? tr("10 s buckets: line the mean, dotted the max") : tr("every sample"));
  ++answers_;
  emit seriesUpdated();
}

void ManifestAgeChart::updateAxes(int64_t toUtcUs) {
  const int64_t fromUtcUs = toUtcUs - spanUs();
  timeAxis_->setFormat(range_ == Range::Last5Minutes ? QStringLiteral("HH:mm:ss") : QStringLiteral("HH:mm"));
  timeAxis_->setRange(QDateTime::fromMSecsSinceEpoch(fromUtcUs / 1000), QDateTime::fromMSecsSinceEpoch(toUtcUs / 1000));
  double top = thresholdsKnown_ ? criticalSeconds_ * 1.25 : 1.0;
  for (const auto& [id, line] : lines_)
    for (auto* s : {line.mean, line.max})
      if (s->isVisible())
        for (const auto& p : s->points()) top = std::max(top, p.y() * 1.1);
  ageAxis_->setRange(0, top);
  if (thresholdsKnown_) {
    warningLine_->replace({QPointF(toMs(fromUtcUs), warningSeconds_), QPointF(toMs(toUtcUs), warningSeconds_)});
    criticalLine_->replace({QPointF(toMs(fromUtcUs), criticalSeconds_), QPointF(toMs(toUtcUs), criticalSeconds_)});
  }
}

QStringList ManifestAgeChart::renditionIds() const {
  QStringList out;
  for (const auto& [id, line] : lines_) out << QString::fromStdString(id);
  return out;
}

int ManifestAgeChart::pointCount(const QString& renditionId) const {
  const auto it = lines_.find(renditionId.toStdString());
  return it == lines_.end() ? 0 : static_cast<int>(it->second.mean->count());
}

int ManifestAgeChart::maxPointCount(const QString& renditionId) const {
  const auto it = lines_.find(renditionId.toStdString());
  return it == lines_.end() || !it->second.max->isVisible() ? 0 : static_cast<int>(it->second.max->count());
}

}  // namespace vigil::ui
