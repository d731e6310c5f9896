// The console's one door to an engine (DESIGN.md: the console reaches the
// engine only through control::EngineApi, in-process or remote). No engine
// call runs on the GUI thread: a poller thread takes a snapshot (every
// channel's status, the open alarms, the events since the last one) every
// poll interval and hands it to the GUI thread in one queued call (STYLE.md
// point 5: batches on a timer, never per packet); operator actions and
// queries run on a small pool and deliver their results on the GUI thread.
// Everything public is for the GUI thread unless it says otherwise.
#pragma once

#include <QObject>
#include <QPointer>
#include <QString>
#include <QThreadPool>

#include <condition_variable>
#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "control/engine_api.h"

namespace vigil::ui {

struct EngineSnapshot {
  std::vector<control::ChannelStatus> channels;  // id order
  std::vector<monitor::Alarm> openAlarms;        // newest first, every channel's and the engine's
  int64_t takenUtcUs = 0;
  bool reachable = true;  // false: the engine did not answer (a remote one)
  std::string error;
};

class EngineClient : public QObject {
  Q_OBJECT

 public:
  // label: what the console shows for this engine ("embedded", a URL).
  EngineClient(std::shared_ptr<control::EngineApi> api, QString label, QObject* parent = nullptr);
  ~EngineClient() override;  // stops the poller and waits for running calls
  EngineClient(const EngineClient&) = delete;
  EngineClient& operator=(const EngineClient&) = delete;

  // Starts polling (a first snapshot at once).
  void start(int pollMs = 500);
  // Asks the poller for a snapshot now (after an action).
  void refreshNow();

  const QString& label() const { return label_; }
  const EngineSnapshot& snapshot() const { return snapshot_; }
  const control::ChannelStatus* channel(const std::string& id) const;
  // Open alarms of one channel ("" : the engine's own).
  std::vector<monitor::Alarm> openAlarmsOf(const std::string& channelId) const;
  // Events seen since start, newest first (at most kEventMemory).
  const std::deque<store::EventRecord>& events() const { return events_; }
  static constexpr size_t kEventMemory = 2000;

  // The actor of this console's operator actions (kept in every event).
  const QString& operatorName() const { return operatorName_; }
  void setOperatorName(const QString& name);

  // Runs query(api) on the client's pool; done(result) follows on the GUI
  // thread, unless context has been destroyed by then. Never blocks.
  template <typename Query, typename Done>
  void call(QObject* context, Query query, Done done) {
    QPointer<QObject> ctx(context);
    auto api = api_;
    pool_.start([this, api, ctx, query = std::move(query), done = std::move(done)]() mutable {
      auto result = query(*api);
      QMetaObject::invokeMethod(
          this,
          [ctx, done = std::move(done), result = std::move(result)]() mutable {
            if (ctx) done(result);
          },
          Qt::QueuedConnection);
    });
  }

  // Operator actions, each as this console's operator; the outcome arrives
  // as actionFinished (and a fresh snapshot follows).
  void selectInput(const std::string& channelId, const std::string& inputId, bool force = false);
  void holdOnBackup(const std::string& channelId, bool hold);
  void regionFailover(const std::string& channelId);
  void preferPipeline(const std::string& channelId, int pipeline);
  void restartPipeline(const std::string& channelId, int pipeline);
  void startChannel(const std::string& channelId);
  void stopChannel(const std::string& channelId);
  void acknowledgeAlarm(int64_t alarmId);
  void addChannel(const ChannelSpec& spec);
  // Observes for observeMs on the pool (never on the GUI thread): rehearsalFinished.
  void rehearse(const std::string& channelId, const std::string& kind, int observeMs = 8000);

 signals:
  void snapshotUpdated();
  // Events that arrived with the newest snapshot, newest first.
  void eventsArrived(const std::vector<store::EventRecord>& newest);
  void reachabilityChanged(bool reachable, const QString& error);
  // what: a sentence naming the action ("prefer pipeline 1 on demo").
  void actionFinished(const QString& what, bool ok, const QString& message);
  void rehearsalFinished(const QString& channelId, bool ok, const control::RehearsalReport& report,
                         const QString& error);

 private:
  void pollLoop();
  void apply(EngineSnapshot snap, std::vector<store::EventRecord> fresh);
  void runAction(const QString& what, std::function<Status(control::EngineApi&, const std::string& actor)> action);

  std::shared_ptr<control::EngineApi> api_;
  QString label_;
  QString operatorName_ = QStringLiteral("operator");
  EngineSnapshot snapshot_;
  std::deque<store::EventRecord> events_;
  QThreadPool pool_;  // actions and queries (2 threads: a rehearsal never holds up an action)

  // The poller (its own thread).
  std::thread poller_;
  std::mutex mutex_;  // guards the three below
  std::condition_variable wake_;
  bool stopping_ = false;
  bool refreshRequested_ = false;
  int pollMs_ = 500;
  int64_t lastEventId_ = 0;  // poller thread only
};

}  // namespace vigil::ui
