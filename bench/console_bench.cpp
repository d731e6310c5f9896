// The console under load, for bench/console_responsiveness.sh: an embedded
// engine with N demo channels, the real MainWindow on whatever platform Qt
// is given (xcb under Xvfb in the script), measured in three phases:
//   wall     the wall of tiles only (thumbnails, no confidence monitor)
//   view     one channel's view open: its confidence monitors decode every
//            rendition the origin serves
//   ffmpeg   the wall again, and beside it one ffmpeg CLI per rendition
//            decoding the same playlists (-f null): the reference cost of
//            "decode what viewers get"
// For each: the GUI thread's responsiveness (a probe thread posts to the GUI
// thread every 10 ms and times how late each post runs, and how much of that
// lateness the GUI thread spent busy on its CPU clock: busy is the GUI thread
// blocked by work of its own, the rest is the thread waiting for a core on a
// loaded machine), frames shown per second by every QVideoSink,
// this process's CPU and RSS, and the ffmpeg processes' CPU. One JSON line
// per phase on stdout.
#include <QApplication>
#include <QProcess>
#include <QTemporaryDir>
#include <QThread>
#include <QTimer>
#include <QVideoSink>
#include <QVideoWidget>

#include <pthread.h>
#include <unistd.h>
#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <ctime>
#include <fstream>
#include <functional>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "channel_view.h"
#include "control/config.h"
#include "control/engine.h"
#include "engine_client.h"
#include "main_window.h"
#include "theme.h"

namespace {

using Clock = std::chrono::steady_clock;

double cpuSecondsOf(qint64 pid) {
  std::ifstream f("/proc/" + std::to_string(pid) + "/stat");
  std::string line;
  std::getline(f, line);
  const auto close = line.rfind(')');
  if (close == std::string::npos) return 0;
  std::vector<std::string> fields;
  std::string field;
  for (size_t i = close + 2; i <= line.size(); ++i) {
    if (i == line.size() || line[i] == ' ') {
      fields.push_back(field);
      field.clear();
    } else {
      field += line[i];
    }
  }
  if (fields.size() < 15) return 0;  // utime, stime are fields 14 and 15 (index 11, 12 after the name)
  return (std::stod(fields[11]) + std::stod(fields[12])) / double(sysconf(_SC_CLK_TCK));
}

double rssMb(qint64 pid) {
  std::ifstream f("/proc/" + std::to_string(pid) + "/status");
  std::string key;
  while (f >> key) {
    if (key == "VmRSS:") {
      double kb = 0;
      f >> kb;
      return kb / 1024.0;
    }
    f.ignore(1 << 12, '\n');
  }
  return 0;
}

double threadCpuMs(clockid_t clock) {
  timespec ts{};
  clock_gettime(clock, &ts);
  return double(ts.tv_sec) * 1e3 + double(ts.tv_nsec) / 1e6;
}

// Posts to the GUI thread every 10 ms; records how late each post runs and
// how much CPU the GUI thread used meanwhile. Construct on the GUI thread.
// The samples live in a shared state: a post still queued when the probe
// stops must not outlive what it writes to.
class GuiProbe {
 public:
  GuiProbe() { pthread_getcpuclockid(pthread_self(), &guiClock_); }
  void start() {
    thread_ = std::thread([state = state_, clock = guiClock_] {
      while (!state->stop) {
        const auto posted = Clock::now();
        const double cpuAtPost = threadCpuMs(clock);
        QMetaObject::invokeMethod(
            qApp,
            [state, posted, cpuAtPost] {
              const double lateMs = std::chrono::duration<double, std::milli>(Clock::now() - posted).count();
              const double busyMs = threadCpuMs(CLOCK_THREAD_CPUTIME_ID) - cpuAtPost;
              std::lock_guard lock(state->mutex);
              if (state->stop) return;
              state->lateMs.push_back(lateMs);
              state->busyMs.push_back(busyMs);
            },
            Qt::QueuedConnection);
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
      }
    });
  }
  // Lateness and busy time of each probe, in order.
  std::pair<std::vector<double>, std::vector<double>> stop() {
    {
      std::lock_guard lock(state_->mutex);
      state_->stop = true;
    }
    if (thread_.joinable()) thread_.join();
    std::lock_guard lock(state_->mutex);
    return {std::exchange(state_->lateMs, {}), std::exchange(state_->busyMs, {})};
  }

 private:
  struct State {
    std::atomic<bool> stop{false};
    std::mutex mutex;
    std::vector<double> lateMs, busyMs;
  };
  std::shared_ptr<State> state_ = std::make_shared<State>();
  clockid_t guiClock_{};
  std::thread thread_;
};

double percentile(std::vector<double> v, double p) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  return v[std::min(v.size() - 1, size_t(p / 100.0 * double(v.size())))];
}

void waitMs(int ms) {
  const auto until = Clock::now() + std::chrono::milliseconds(ms);
  while (Clock::now() < until) {
    QApplication::processEvents(QEventLoop::AllEvents, 20);
    QThread::msleep(2);
  }
}

}  // namespace

int main(int argc, char** argv) {
  int channels = 4, seconds = 30;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string a = argv[i];
    if (a == "--channels") channels = std::atoi(argv[i + 1]);
    if (a == "--seconds") seconds = std::atoi(argv[i + 1]);
  }
  QApplication app(argc, argv);
  QApplication::setOrganizationName(QStringLiteral("Vigil"));
  QApplication::setApplicationName(QStringLiteral("vigil-console-bench"));
  vigil::ui::applyControlRoomTheme(app);

  QTemporaryDir dir;
  vigil::control::EngineConfig config;
  config.dataDir = dir.path().toStdString();
  config.http.listen = "127.0.0.1:0";
  for (int n = 1; n <= channels; ++n)
    config.channels.push_back(vigil::control::demoChannel(n == 1 ? "demo" : "demo-" + std::to_string(n)));
  auto created = vigil::control::Engine::create(config);
  if (!created || !(*created)->start()) {
    std::fprintf(stderr, "console-bench: the engine did not start: %s\n", created.message().c_str());
    return 1;
  }
  std::shared_ptr<vigil::control::Engine> engine = std::move(*created);
  const qint64 self = QCoreApplication::applicationPid();

  auto window = std::make_unique<vigil::ui::MainWindow>(QStringLiteral("bench"));
  window->addEngine(engine, QStringLiteral("embedded"));
  window->resize(1600, 960);
  window->show();
  waitMs(8000);  // channels start, pipelines settle

  std::atomic<long> frames{0};
  std::set<QVideoSink*> watched;
  auto watchSinks = [&] {
    for (auto* w : window->findChildren<QVideoWidget*>())
      if (watched.insert(w->videoSink()).second)
        QObject::connect(w->videoSink(), &QVideoSink::videoFrameChanged, w, [&frames] { ++frames; });
  };

  auto phase = [&](const char* name, const std::vector<QProcess*>& references) {
    watchSinks();
    frames = 0;
    GuiProbe probe;
    const double cpu0 = cpuSecondsOf(self);
    std::vector<double> referenceCpu0;
    for (auto* p : references) referenceCpu0.push_back(cpuSecondsOf(p->processId()));
    double peakRss = 0;
    const auto t0 = Clock::now();
    probe.start();
    for (int s = 0; s < seconds; ++s) {
      waitMs(1000);
      peakRss = std::max(peakRss, rssMb(self));
    }
    auto [lat, busy] = probe.stop();
    const double wall = std::chrono::duration<double>(Clock::now() - t0).count();
    double referenceCpu = 0;
    for (size_t i = 0; i < references.size(); ++i)
      referenceCpu += cpuSecondsOf(references[i]->processId()) - referenceCpu0[i];
    const long over50 = std::count_if(lat.begin(), lat.end(), [](double ms) { return ms > 50; });
    const long busyOver50 = std::count_if(busy.begin(), busy.end(), [](double ms) { return ms > 50; });
    nlohmann::json j = {{"phase", name},
                        {"channels", channels},
                        {"seconds", wall},
                        {"gui_probes", lat.size()},
                        {"gui_late_p50_ms", percentile(lat, 50)},
                        {"gui_late_p99_ms", percentile(lat, 99)},
                        {"gui_late_max_ms", lat.empty() ? 0 : *std::max_element(lat.begin(), lat.end())},
                        {"gui_late_over_50ms", over50},
                        {"gui_busy_p99_ms", percentile(busy, 99)},
                        {"gui_busy_max_ms", busy.empty() ? 0 : *std::max_element(busy.begin(), busy.end())},
                        {"gui_busy_over_50ms", busyOver50},
                        {"video_sinks", window->findChildren<QVideoWidget*>().size()},
                        {"frames_per_second_all_sinks", double(frames) / wall},
                        {"console_cores", (cpuSecondsOf(self) - cpu0) / wall},
                        {"console_peak_rss_mb", peakRss},
                        {"ffmpeg_processes", references.size()},
                        {"ffmpeg_cores", referenceCpu / wall}};
    std::printf("%s\n", j.dump().c_str());
    std::fflush(stdout);
  };

  vigil::ui::EnginePage* page = window->page(0);
  phase("wall", {});
  // Opening and leaving a channel's view run on the GUI thread: the probes
  // start, and later are told to stop and waited for.
  auto timedMs = [](const std::function<void()>& f) {
    const auto t0 = Clock::now();
    f();
    return std::chrono::duration<double, std::milli>(Clock::now() - t0).count();
  };
  const double openMs = timedMs([&] { page->showChannel("demo"); });
  waitMs(3000);
  phase("view", {});

  // The same renditions decoded by the ffmpeg CLI, the console back on its wall.
  const double closeMs = timedMs([&] { page->showWall(); });
  std::printf(
      "%s\n",
      nlohmann::json({{"phase", "switch"}, {"open_view_ms", openMs}, {"close_view_ms", closeMs}}).dump().c_str());
  waitMs(2000);
  std::vector<QProcess*> ffmpegs;
  const auto status = engine->channel("demo");
  const std::string base = engine->publicBaseUrl() + "/live/demo/";
  for (const auto& r : status->renditions) {
    auto* p = new QProcess(&app);
    p->setProcessChannelMode(QProcess::ForwardedErrorChannel);
    p->start(QStringLiteral("ffmpeg"), {"-nostdin", "-loglevel", "error", "-live_start_index", "-1", "-i",
                                        QString::fromStdString(base + r.id + "/playlist.m3u8"), "-f", "null", "-"});
    ffmpegs.push_back(p);
  }
  waitMs(3000);
  phase("ffmpeg", ffmpegs);
  for (auto* p : ffmpegs) {
    p->kill();
    p->waitForFinished(3000);
  }
  window.reset();
  engine->stop();
  return 0;
}
