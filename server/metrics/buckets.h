// Histogram buckets shared by the gateway's duration metrics, in seconds.
#ifndef BARION_GATEWAY_SERVER_METRICS_BUCKETS_H_
#define BARION_GATEWAY_SERVER_METRICS_BUCKETS_H_

#include "prometheus/histogram.h"

namespace barion_gateway::server {

// 0.5 ms to 60 s: an RPC, a Barion call, a durable write.
inline const prometheus::Histogram::BucketBoundaries& LatencyBuckets() {
  static const prometheus::Histogram::BucketBoundaries kBuckets = {
      0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60};
  return kBuckets;
}

// 5 ms to 1 h: how long a callback takes to become an event (a fetch that fails is retried
// with a back-off of up to minutes).
inline const prometheus::Histogram::BucketBoundaries& PipelineBuckets() {
  static const prometheus::Histogram::BucketBoundaries kBuckets = {
      0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 900, 3600};
  return kBuckets;
}

}  // namespace barion_gateway::server

#endif  // BARION_GATEWAY_SERVER_METRICS_BUCKETS_H_
