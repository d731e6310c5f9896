// The segments of an HLS media playlist and the check that they cover the
// wall clock without a hole: for the end-to-end suites (through vigild's
// origin) and the engine facade suites (through the engine's).
#pragma once

#include <QDateTime>
#include <QString>
#include <QVector>

#include <cstdlib>

namespace vigil::test {

struct MediaSegment {
  double duration = 0;
  QDateTime pdt;
  QString uri;
};

// The segments of an HLS media playlist, with their program date times.
inline QVector<MediaSegment> parseMediaPlaylist(const QString& text) {
  QVector<MediaSegment> segments;
  MediaSegment next;
  for (const QString& line : text.split('\n')) {
    if (line.startsWith("#EXT-X-PROGRAM-DATE-TIME:"))
      next.pdt = QDateTime::fromString(line.mid(25), Qt::ISODateWithMs);
    else if (line.startsWith("#EXTINF:"))
      next.duration = line.mid(8).section(',', 0, 0).toDouble();
    else if (!line.isEmpty() && !line.startsWith('#')) {
      next.uri = line;
      segments.push_back(next);
    }
  }
  return segments;
}

// Empty when every segment's program date time is the previous one's plus
// its duration (to the millisecond: the segments add up to the wall-clock
// time they cover, no gap, no overlap), else what is wrong.
inline QString pdtGaps(const QVector<MediaSegment>& segments) {
  for (int i = 1; i < segments.size(); ++i) {
    const qint64 stepMs = segments[i - 1].pdt.msecsTo(segments[i].pdt);
    if (std::abs(stepMs - qRound64(segments[i - 1].duration * 1000)) > 1)
      return QString("segment %1: PDT step %2 ms, duration %3 s")
          .arg(segments[i].uri)
          .arg(stepMs)
          .arg(segments[i - 1].duration);
  }
  return {};
}

}  // namespace vigil::test
