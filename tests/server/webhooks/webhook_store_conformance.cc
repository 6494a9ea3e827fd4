#include "tests/server/webhooks/webhook_store_conformance.h"

#include <sys/stat.h>

#include <atomic>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"

namespace barion_gateway::server {

void WebhookStoreConformanceTest::SetUp() {
  static std::atomic<int> n{0};
  dir_ = absl::StrCat(testing::TempDir(), "/webhook-store-", GetParam().name, "-", n++);
  mkdir(dir_.c_str(), 0700);
  store_ = GetParam().open(dir_);
  ASSERT_NE(store_, nullptr);
}

std::unique_ptr<WebhookStore> WebhookStoreConformanceTest::Reopen() {
  store_.reset();
  return GetParam().open(dir_);
}

namespace {

DeadLetter Letter(const std::string& endpoint, const std::string& cursor, absl::Time at) {
  DeadLetter l;
  l.endpoint = endpoint;
  l.cursor = cursor;
  l.payment_id = "p-" + cursor;
  l.event = std::string("\0\1binary\xff", 9);
  l.attempts = 11;
  l.last_error = "HTTP 500";
  l.failed_at = at;
  return l;
}

TEST_P(WebhookStoreConformanceTest, KeepsPositionsPerEndpointAcrossAReopen) {
  EXPECT_FALSE(store_->Position("crm")->has_value());
  ASSERT_TRUE(store_->SavePosition("crm", "41").ok());
  ASSERT_TRUE(store_->SavePosition("crm", "42").ok());
  ASSERT_TRUE(store_->SavePosition("erp", "7").ok());
  store_ = Reopen();
  EXPECT_EQ(**store_->Position("crm"), "42");
  EXPECT_EQ(**store_->Position("erp"), "7");
}

TEST_P(WebhookStoreConformanceTest, KeepsDeadLettersNewestFirstUntilRemoved) {
  const absl::Time t = absl::FromUnixSeconds(1700000000);
  ASSERT_TRUE(store_->AddDeadLetter(Letter("crm", "10", t)).ok());
  ASSERT_TRUE(store_->AddDeadLetter(Letter("crm", "20", t + absl::Seconds(5))).ok());
  ASSERT_TRUE(store_->AddDeadLetter(Letter("erp", "30", t)).ok());
  store_ = Reopen();
  auto letters = store_->DeadLetters("crm", 10);
  ASSERT_TRUE(letters.ok());
  ASSERT_EQ(letters->size(), 2u);
  EXPECT_EQ((*letters)[0].cursor, "20");
  EXPECT_EQ((*letters)[1].cursor, "10");
  EXPECT_EQ((*letters)[1].event, std::string("\0\1binary\xff", 9));
  EXPECT_EQ((*letters)[1].attempts, 11);
  EXPECT_EQ((*letters)[1].failed_at, t);
  EXPECT_EQ(store_->DeadLetters("crm", 1)->size(), 1u);
  EXPECT_EQ(*store_->CountDeadLetters("crm"), 2);
  // Recording it again (a failed retry) replaces it.
  DeadLetter again = Letter("crm", "10", t + absl::Seconds(9));
  again.attempts = 12;
  ASSERT_TRUE(store_->AddDeadLetter(again).ok());
  EXPECT_EQ((**store_->FindDeadLetter("crm", "10")).attempts, 12);
  EXPECT_EQ(*store_->CountDeadLetters("crm"), 2);
  ASSERT_TRUE(store_->RemoveDeadLetter("crm", "10").ok());
  EXPECT_FALSE(store_->FindDeadLetter("crm", "10")->has_value());
  EXPECT_EQ(*store_->CountDeadLetters("crm"), 1);
  EXPECT_EQ(*store_->CountDeadLetters("erp"), 1);
}

TEST_P(WebhookStoreConformanceTest, AReplayIsTakenOnce) {
  EXPECT_FALSE(store_->TakeReplay("crm")->has_value());
  ASSERT_TRUE(store_->RequestReplay("crm", "5").ok());
  ASSERT_TRUE(store_->RequestReplay("crm", "3").ok());  // the later request wins
  store_ = Reopen();
  EXPECT_EQ(**store_->TakeReplay("crm"), "3");
  EXPECT_FALSE(store_->TakeReplay("crm")->has_value());
}

TEST_P(WebhookStoreConformanceTest, ClaimsAreHeldByOneOwnerUntilTheLeaseEnds) {
  EXPECT_TRUE(*store_->Claim("crm", "a", absl::Seconds(30)));
  EXPECT_TRUE(*store_->Claim("crm", "a", absl::Seconds(30)));  // renewed
  if (!GetParam().shared) {
    EXPECT_TRUE(*store_->Claim("crm", "b", absl::Seconds(30)));  // one process: always
    return;
  }
  EXPECT_FALSE(*store_->Claim("crm", "b", absl::Seconds(30)));
  EXPECT_TRUE(*store_->Claim("erp", "b", absl::Seconds(30)));  // per endpoint
  ASSERT_TRUE(store_->Release("crm", "a").ok());
  EXPECT_TRUE(*store_->Claim("crm", "b", absl::Milliseconds(200)));
  EXPECT_FALSE(*store_->Claim("crm", "a", absl::Seconds(30)));
  absl::SleepFor(absl::Milliseconds(300));  // b's lease ends: a takes it over
  EXPECT_TRUE(*store_->Claim("crm", "a", absl::Seconds(30)));
  EXPECT_FALSE(*store_->Claim("crm", "b", absl::Seconds(30)));
}

}  // namespace
}  // namespace barion_gateway::server
