#include "vigild_process.h"

#include <QCoreApplication>
#include <QDebug>
#include <QDir>
#include <QElapsedTimer>
#include <QEventLoop>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QRegularExpression>
#include <QThread>
#include <QTimer>

#include <csignal>

namespace vigil::test {

QByteArray HttpReply::header(const QByteArray& name) const {
  for (const auto& [k, v] : headers)
    if (k.compare(name, Qt::CaseInsensitive) == 0) return v;
  return {};
}

HttpReply httpGet(const QString& url, int timeoutMs, const QByteArray& method) {
  static QNetworkAccessManager* nam = new QNetworkAccessManager();
  QNetworkRequest req{QUrl(url)};
  req.setAttribute(QNetworkRequest::CacheLoadControlAttribute, QNetworkRequest::AlwaysNetwork);
  req.setTransferTimeout(timeoutMs);
  QNetworkReply* reply = nam->sendCustomRequest(req, method);
  QEventLoop loop;
  QObject::connect(reply, &QNetworkReply::finished, &loop, &QEventLoop::quit);
  QTimer::singleShot(timeoutMs + 500, &loop, &QEventLoop::quit);
  loop.exec();
  HttpReply out;
  if (reply->isFinished()) {
    out.status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    out.body = reply->readAll();
    out.headers = reply->rawHeaderPairs();
  } else {
    reply->abort();
  }
  reply->deleteLater();
  return out;
}

HttpReply waitFor200(const QString& url, int timeoutMs) {
  QElapsedTimer t;
  t.start();
  HttpReply r;
  while (t.elapsed() < timeoutMs) {
    r = httpGet(url, 2000);
    if (r.status == 200) return r;
    QThread::msleep(100);
  }
  return r;
}

QString sourceDir() { return qEnvironmentVariable("VIGIL_SOURCE_DIR"); }
QString binaryDir() { return qEnvironmentVariable("VIGIL_BINARY_DIR"); }

int runTool(const QString& program, const QStringList& args, int timeoutMs, QByteArray* out) {
  QProcess p;
  p.setProcessChannelMode(QProcess::MergedChannels);
  p.start(program, args);
  if (!p.waitForStarted(5000)) {
    if (out) *out = "could not start " + program.toUtf8();
    return -1;
  }
  const bool finished = p.waitForFinished(timeoutMs);
  if (!finished) {
    p.kill();
    p.waitForFinished(2000);
  }
  if (out) *out = p.readAll();
  if (!finished || p.exitStatus() != QProcess::NormalExit) return -1;
  return p.exitCode();
}

bool startPlayer(QProcess& proc, const QStringList& args) {
  const QString dir = sourceDir() + "/tests/e2e/players";
  if (!QFile::exists(dir + "/node_modules/hls.js")) {
    qWarning("player tools missing: run scripts/install-deps.sh (npm ci in tests/e2e/players)");
    return false;
  }
  proc.setProcessChannelMode(QProcess::MergedChannels);
  proc.start("node", QStringList{dir + "/play.mjs"} + args);
  return proc.waitForStarted(5000);
}

bool waitForPlaying(QProcess& proc, int timeoutMs) {
  QElapsedTimer t;
  t.start();
  while (t.elapsed() < timeoutMs) {
    if (proc.peek(proc.bytesAvailable()).contains("playing: first frame")) return true;
    if (proc.state() == QProcess::NotRunning) return false;
    proc.waitForReadyRead(100);
  }
  return false;
}

QJsonObject playerResult(QProcess& proc, int timeoutMs) {
  const bool finished = proc.state() == QProcess::NotRunning || proc.waitForFinished(timeoutMs);
  if (!finished) {
    proc.kill();
    proc.waitForFinished(2000);
  }
  const QByteArray out = proc.readAll();
  const int rc = finished && proc.exitStatus() == QProcess::NormalExit ? proc.exitCode() : -1;
  const int brace = out.indexOf('{');
  QJsonObject result = QJsonDocument::fromJson(out.mid(brace, out.lastIndexOf('}') - brace + 1)).object();
  result["_exit"] = rc;
  // The verdict first (the harness's PASS/FAIL line and its reasons), so a
  // truncated log still says why a playback failed; then the report's tail.
  const int verdict = std::max(out.lastIndexOf("PASS:"), out.lastIndexOf("FAIL:"));
  QJsonObject stalls = result["stalls"].toObject();
  const QJsonArray playerLog = stalls.take("playerLog").toArray();
  qInfo().noquote() << "player exit" << rc << ":"
                    << (verdict >= 0 ? out.mid(verdict).trimmed() : QByteArray("no verdict"))
                    << "reasons:" << QJsonDocument(result["reasons"].toArray()).toJson(QJsonDocument::Compact)
                    << "stalls:" << QJsonDocument(stalls).toJson(QJsonDocument::Compact);
  // The player's own log around the first stall (the 3 s before it and the start of it).
  if (!playerLog.isEmpty())
    for (const auto& line : playerLog.first().toArray()) qInfo().noquote() << "player log:" << line.toString();
  if (rc != 0) {
    for (const auto& line : result["startLog"].toArray()) qInfo().noquote() << "player start:" << line.toString();
    qInfo().noquote() << out.right(3000);
  }
  return result;
}

QMap<int, qint64> pipelineWorkers(qint64 parentPid) {
  QMap<int, qint64> out;
  for (const QString& entry : QDir("/proc").entryList(QDir::Dirs | QDir::NoDotAndDotDot)) {
    bool numeric = false;
    const qint64 pid = entry.toLongLong(&numeric);
    if (!numeric) continue;
    QFile stat("/proc/" + entry + "/stat");
    if (!stat.open(QIODevice::ReadOnly)) continue;
    // pid (comm) state ppid ...: comm may hold spaces, so split after the last ')'.
    const QByteArray line = stat.readAll();
    const QList<QByteArray> rest = line.mid(line.lastIndexOf(')') + 2).split(' ');
    if (rest.size() < 2 || rest[1].toLongLong() != parentPid || rest[0] == "Z") continue;
    QFile cmd("/proc/" + entry + "/cmdline");
    if (!cmd.open(QIODevice::ReadOnly)) continue;
    const QList<QByteArray> argv = cmd.readAll().split('\0');
    if (argv.isEmpty() || !argv[0].endsWith("vigil-pipeline")) continue;
    const int at = argv.indexOf("--index");
    if (at >= 0 && at + 1 < argv.size()) out[argv[at + 1].toInt()] = pid;
  }
  return out;
}

bool processAlive(qint64 pid) {
  QFile stat(QString("/proc/%1/stat").arg(pid));
  if (!stat.open(QIODevice::ReadOnly)) return false;
  const QByteArray line = stat.readAll();
  return !line.mid(line.lastIndexOf(')') + 2).startsWith('Z');
}

QJsonObject play(const QStringList& args) {
  QProcess proc;
  if (!startPlayer(proc, args)) return {};
  return playerResult(proc);
}

Vigild::~Vigild() {
  if (proc_.state() != QProcess::NotRunning) terminate(5000);
}

// vigild (and its pipeline workers, which share its stderr) write to a file,
// never a pipe: a test blocked on a player must not stall the engine on a
// full pipe.
void Vigild::drain() {
  QFile f(logFile_.fileName());
  if (!f.open(QIODevice::ReadOnly) || !f.seek(logRead_)) return;
  const QByteArray more = f.readAll();
  logRead_ += more.size();
  log_ += QString::fromUtf8(more);
}

bool Vigild::start(const QString& dataDir, const QStringList& args, int timeoutMs) {
  log_.clear();
  baseUrl_.clear();
  if (!logFile_.isOpen() && !logFile_.open()) {
    log_ = "cannot create vigild's log file";
    return false;
  }
  logRead_ = 0;
  proc_.setProcessChannelMode(QProcess::MergedChannels);
  proc_.setStandardOutputFile(logFile_.fileName(), QIODevice::Truncate);
  proc_.start(binaryDir() + "/" + program_, args + QStringList{"--http", "127.0.0.1:0", "--data", dataDir});
  if (!proc_.waitForStarted(5000)) {
    log_ = program_ + " did not start: " + proc_.errorString();
    return false;
  }
  static const QRegularExpression served(R"(serving on (http://[0-9.]+:[0-9]+))");
  if (!waitForLog(served, timeoutMs)) return false;
  baseUrl_ = served.match(log_).captured(1);
  return true;
}

bool Vigild::waitForLog(const QRegularExpression& re, int timeoutMs) {
  QElapsedTimer t;
  t.start();
  for (;;) {
    drain();
    if (re.match(log_).hasMatch()) return true;
    if (t.elapsed() >= timeoutMs || proc_.state() != QProcess::Running) return false;
    proc_.waitForFinished(20);  // also notices an exit
  }
}

int Vigild::terminate(int timeoutMs) {
  if (proc_.state() == QProcess::NotRunning) return proc_.exitCode();
  ::kill(static_cast<pid_t>(proc_.processId()), SIGTERM);
  if (!proc_.waitForFinished(timeoutMs)) {
    proc_.kill();
    proc_.waitForFinished(2000);
    drain();
    return -1;
  }
  drain();
  return proc_.exitStatus() == QProcess::NormalExit ? proc_.exitCode() : -1;
}

void Vigild::kill9() {
  ::kill(static_cast<pid_t>(proc_.processId()), SIGKILL);
  proc_.waitForFinished(5000);
  drain();
}

qint64 Vigild::pid() const { return proc_.processId(); }

void Vigild::printLog() const {
  for (const QString& line : log_.split('\n'))
    if (!line.contains("changing packet size")) qInfo().noquote() << "vigild:" << line;  // ffmpeg's RTMP noise
}

}  // namespace vigil::test
