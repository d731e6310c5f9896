// Test media made by the real ffmpeg CLI from its test pattern and a tone:
// one place for the suites that need an input file.
#pragma once

#include <QByteArray>
#include <QProcess>
#include <QString>
#include <QStringList>

namespace vigil::test {

struct TestMedia {
  QString size = "320x180";
  int fps = 30;
  int sampleRate = 48000;
  int seconds = 2;
  QStringList encode;  // codec and container arguments, e.g. {"-c:v", "libx264", "-c:a", "aac"}
};

// Writes path; false (with ffmpeg's output in *log) when ffmpeg failed.
inline bool makeTestMedia(const QString& path, const TestMedia& m, QByteArray* log = nullptr) {
  QProcess ff;
  ff.setProcessChannelMode(QProcess::MergedChannels);
  ff.start("ffmpeg",
           QStringList{"-v", "error", "-f", "lavfi", "-i", QString("testsrc2=size=%1:rate=%2").arg(m.size).arg(m.fps),
                       "-f", "lavfi", "-i", QString("sine=frequency=440:sample_rate=%1").arg(m.sampleRate), "-t",
                       QString::number(m.seconds)} +
               m.encode + QStringList{"-y", path});
  const bool ok = ff.waitForFinished(60000) && ff.exitStatus() == QProcess::NormalExit && ff.exitCode() == 0;
  if (log) *log = ff.readAll();
  return ok;
}

// What a live broadcaster runs: the ffmpeg CLI generating `pattern` (a lavfi
// video source) at 640x360p30 and a 440 Hz tone in real time, encoding x264
// ultrafast/zerolatency with a 1 s GOP and AAC. `middle` goes between the
// inputs and the codecs (filters, -t, -map), `output` last (format and URL).
inline QStringList liveEncoderArgs(const QString& pattern, const QStringList& middle, const QStringList& output) {
  // -re on both inputs: an output that takes only one of them is paced too.
  return QStringList{"-hide_banner",
                     "-loglevel",
                     "error",
                     "-re",
                     "-f",
                     "lavfi",
                     "-i",
                     pattern + "=size=640x360:rate=30",
                     "-re",
                     "-f",
                     "lavfi",
                     "-i",
                     "sine=frequency=440:sample_rate=48000"} +
         middle +
         QStringList{"-c:v", "libx264", "-preset", "ultrafast", "-tune", "zerolatency", "-g", "30", "-c:a", "aac"} +
         output;
}

}  // namespace vigil::test
