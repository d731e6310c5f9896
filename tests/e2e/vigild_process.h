// Runs the real vigild binary for end-to-end tests: ephemeral port (read back
// from its log), a temporary data directory, and HTTP fetches with Qt Network.
#pragma once

#include <QByteArray>
#include <QDateTime>
#include <QJsonObject>
#include <QMap>
#include <QProcess>
#include <QRegularExpression>
#include <QString>
#include <QStringList>
#include <QTemporaryFile>
#include <QVector>

#include "support/media_playlist.h"

namespace vigil::test {

struct HttpReply {
  int status = 0;  // 0: no response
  QByteArray body;
  QByteArray header(const QByteArray& name) const;
  QList<QPair<QByteArray, QByteArray>> headers;
};

// GET (or HEAD) with a timeout; follows no redirects.
HttpReply httpGet(const QString& url, int timeoutMs = 5000, const QByteArray& method = "GET");

// Polls url until it answers 200 or the timeout passes.
HttpReply waitFor200(const QString& url, int timeoutMs);

QString sourceDir();  // the checkout
QString binaryDir();  // the build tree

// Runs a program to completion; returns its exit code (-1 on timeout/crash), output in *out.
int runTool(const QString& program, const QStringList& args, int timeoutMs, QByteArray* out = nullptr);

// The player harness (tests/e2e/players/play.mjs: hls.js or dash.js in
// headless Chromium). startPlayer runs it in *proc; playerResult waits for it
// and returns its JSON report with "_exit" added (empty when the harness is
// not installed or printed nothing).
bool startPlayer(QProcess& proc, const QStringList& args);
QJsonObject playerResult(QProcess& proc, int timeoutMs = 90000);
// Waits until the player started by startPlayer shows its first frame (the
// harness says so at once); false after timeoutMs or when it ended first.
// The output stays for playerResult.
bool waitForPlaying(QProcess& proc, int timeoutMs);
// Both in one call.
QJsonObject play(const QStringList& args);

// The pipeline worker processes (vigil-pipeline) whose parent is parentPid,
// by pipeline index (from their command line).
QMap<int, qint64> pipelineWorkers(qint64 parentPid);
// True while a process with this pid exists (and is not a zombie).
bool processAlive(qint64 pid);

class Vigild {
 public:
  ~Vigild();
  // Another engine host than vigild (e.g. "app/vigil", the console), relative
  // to the build tree, and the environment it runs in.
  void setProgram(const QString& relativePath) { program_ = relativePath; }
  void setEnvironment(const QProcessEnvironment& env) { proc_.setProcessEnvironment(env); }
  // Starts vigild with args plus --http 127.0.0.1:0 --data dataDir; waits until
  // it logs the URL it serves on. False (with the log in lastError) on failure.
  bool start(const QString& dataDir, const QStringList& args, int timeoutMs = 10000);
  // SIGTERM and wait; returns the exit code (-1 if it had to be killed).
  int terminate(int timeoutMs = 10000);
  void kill9();
  // Waits until the log so far matches re.
  bool waitForLog(const QRegularExpression& re, int timeoutMs);
  QString baseUrl() const { return baseUrl_; }
  QString log() const { return log_; }
  // The whole log as test output, a line each (a failure message would cut it).
  void printLog() const;
  qint64 pid() const;

 private:
  void drain();
  QString program_ = QStringLiteral("app/vigild");
  QProcess proc_;
  QTemporaryFile logFile_;
  qint64 logRead_ = 0;
  QString baseUrl_;
  QString log_;
};

}  // namespace vigil::test
