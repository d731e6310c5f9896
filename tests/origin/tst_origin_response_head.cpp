// The pre-serialized 200 heads, byte for byte, and their per-thread cache:
// what a CDN and a browser player see on the hot path must not drift from
// what the Beast path sends for every other reply.
#include <utility>  // before Asio: Boost 1.74's awaitable.hpp needs std::exchange

#include <QtTest>

#include <ctime>

#include "origin/response_head.h"
#include "origin/router.h"

using namespace vigil::origin;

namespace {

Reply partReply(std::string etag, std::size_t size) {
  Reply r;
  r.kind = ObjectKind::Part;
  r.contentType = "video/mp4";
  r.etag = std::move(etag);
  r.body = vigil::makeBytes(std::string(size, 'p'));
  return r;
}

}  // namespace

class TstOriginResponseHead : public QObject {
  Q_OBJECT
 private slots:
  void keepAliveHeadIsExact() {
    const auto head = renderHead200(partReply("\"v0.5.3.400\"", 1024), true);
    QCOMPARE(*head, std::string("HTTP/1.1 200 OK\r\n"
                                "Server: vigil\r\n"
                                "Access-Control-Allow-Origin: *\r\n"
                                "Access-Control-Expose-Headers: Age, Date, ETag, Content-Length\r\n"
                                "Cache-Control: public, max-age=31536000, immutable\r\n"
                                "Content-Type: video/mp4\r\n"
                                "ETag: \"v0.5.3.400\"\r\n"
                                "Content-Length: 1024\r\n"));
  }

  void closeHeadSaysSo() {
    const auto head = renderHead200(partReply("\"x\"", 7), false);
    QVERIFY(head->ends_with("Content-Length: 7\r\nConnection: close\r\n"));
  }

  void manifestHeadUsesTheManifestPolicy() {
    Reply r;
    r.kind = ObjectKind::MediaPlaylist;
    r.contentType = "application/vnd.apple.mpegurl";
    r.etag = "\"abc-10\"";
    r.body = vigil::makeBytes(std::string(16, 'm'));
    const auto head = renderHead200(r, true);
    QVERIFY(head->find("\r\nCache-Control: public, max-age=1\r\n") != std::string::npos);
    QVERIFY(head->find("\r\nContent-Type: application/vnd.apple.mpegurl\r\n") != std::string::npos);
    QVERIFY(head->find("\r\nContent-Length: 16\r\n") != std::string::npos);
  }

  void onlyPlain200sWithAnETagArePreSerialized() {
    QVERIFY(hasCacheableHead(partReply("\"a\"", 3)));
    Reply noEtag = partReply("", 3);
    QVERIFY(!hasCacheableHead(noEtag));
    Reply notModified = partReply("\"a\"", 3);
    notModified.status = 304;
    notModified.body = nullptr;
    QVERIFY(!hasCacheableHead(notModified));
    Reply error = partReply("\"a\"", 3);
    error.status = 404;
    QVERIFY(!hasCacheableHead(error));
    Reply withAllow = partReply("\"a\"", 3);
    withAllow.allowHeader = true;
    QVERIFY(!hasCacheableHead(withAllow));
  }

  void cacheSharesOneHeadPerObjectAndVariant() {
    const Reply a = partReply("\"v0.9.1.64\"", 100);
    const auto first = cachedHead200(a, true);
    QCOMPARE(cachedHead200(a, true).get(), first.get());  // shared, not re-rendered
    QCOMPARE(*first, *renderHead200(a, true));
    // Everything the head depends on is part of the key.
    QVERIFY(cachedHead200(a, false).get() != first.get());
    QCOMPARE(*cachedHead200(a, false), *renderHead200(a, false));
    const Reply longer = partReply("\"v0.9.1.64\"", 101);
    QCOMPARE(*cachedHead200(longer, true), *renderHead200(longer, true));
    Reply audio = a;
    audio.contentType = "audio/mp4";
    QCOMPARE(*cachedHead200(audio, true), *renderHead200(audio, true));
    QCOMPARE(*cachedHead200(a, true), *renderHead200(a, true));
  }

  void dateTailIsTheCurrentSecondAndEndsTheHead() {
    const auto tail = dateTail();
    QVERIFY(tail->starts_with("Date: "));
    QVERIFY(tail->ends_with(" GMT\r\n\r\n"));
    const std::string value = tail->substr(6, tail->size() - 6 - 4);
    QCOMPARE(value.size(), std::size_t(29));  // IMF-fixdate is fixed-width
    std::tm tm{};
    QVERIFY(strptime(value.c_str(), "%a, %d %b %Y %H:%M:%S GMT", &tm) != nullptr);
    QVERIFY(std::abs(static_cast<long>(timegm(&tm) - std::time(nullptr))) <= 1);
  }
};

QTEST_GUILESS_MAIN(TstOriginResponseHead)
#include "tst_origin_response_head.moc"
