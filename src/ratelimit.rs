//! Rate limits by query cost, as GitHub's and Shopify's GraphQL APIs have them: each API
//! key, and each anonymous client address, may spend `RATE_LIMIT_COST_PER_MINUTE` of
//! query cost (the cost `graphql::limits::cost` computes and reports) per minute.
//!
//! The budget refills continuously (the generic cell rate algorithm): a caller can spend
//! the whole budget at once and then `budget / 60` per second, and never meets a window
//! boundary that would let it spend twice the budget in a moment. Only a request that is
//! admitted spends; a refused one costs nothing. A request that costs more than the
//! whole budget spends all of it (rather than being refused for ever).
//!
//! The state is shared by every replica through Redis (`REDIS_URL`): one key per caller
//! holding the "theoretical arrival time" in microseconds of Redis's own clock, updated by
//! a Lua script, so check and spend are one atomic step and replicas need no agreement
//! on time. When Redis cannot be reached (nothing listening, a timeout), each process
//! keeps the same state in memory, so limits still hold per process, and Redis is tried
//! again a few seconds later. This module knows no HTTP: it answers with a [`Verdict`].

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use redis::aio::ConnectionManager;

/// The period the budget is given for.
const PERIOD_US: u64 = 60_000_000;
/// How long a request waits for Redis before it counts in memory instead.
const REDIS_TIMEOUT: Duration = Duration::from_millis(250);
/// How long Redis is left alone after it failed.
const REDIS_RETRY: Duration = Duration::from_secs(5);
/// Callers remembered in memory before the ones with a full budget are forgotten.
const LOCAL_PRUNE_AT: usize = 10_000;

/// Check and spend in one step. KEYS[1]: the caller; ARGV: microseconds per unit of
/// cost, the period in microseconds, the cost. Returns {allowed, microseconds of budget
/// in use afterwards, microseconds until the request would be allowed}.
const SCRIPT: &str = r"
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
local emission = tonumber(ARGV[1])
local period = tonumber(ARGV[2])
local cost = tonumber(ARGV[3])
local tat = tonumber(redis.call('GET', KEYS[1]) or now)
if tat < now then tat = now end
local new_tat = tat + cost * emission
local allow_at = new_tat - period
if now < allow_at then
  return {0, tat - now, allow_at - now}
end
redis.call('SET', KEYS[1], string.format('%.0f', new_tat), 'PX', math.ceil((new_tat - now) / 1000) + 1000)
return {1, new_tat - now, 0}
";

/// What one request's spending came to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Verdict {
    /// Whether the request may run (its cost was spent).
    pub allowed: bool,
    /// The budget per minute.
    pub limit: u64,
    /// What is left now.
    pub remaining: u64,
    /// Seconds until the whole budget is back.
    pub reset_seconds: u64,
    /// When refused: seconds until this request would be allowed.
    pub retry_after_seconds: u64,
    /// What the request cost (or would have).
    pub cost: u64,
}

/// The rate limiter of one server process.
pub struct RateLimiter {
    budget: u64,
    prefix: String,
    redis: Option<Redis>,
    local: Mutex<Local>,
}

struct Redis {
    client: redis::Client,
    conn: tokio::sync::Mutex<Option<ConnectionManager>>,
    /// Not before this instant after a failure.
    retry_at: Mutex<Option<Instant>>,
    script: redis::Script,
}

struct Local {
    epoch: Instant,
    tat: HashMap<String, u64>,
}

impl RateLimiter {
    /// A limiter of `budget` cost per minute (0: off) over the Redis at `redis_url`
    /// (in memory if it is not a Redis URL), its keys starting with `prefix`.
    pub fn new(budget: u64, redis_url: &str, prefix: &str) -> Self {
        let redis = if budget == 0 {
            None
        } else {
            match redis::Client::open(redis_url) {
                Ok(client) => Some(Redis {
                    client,
                    conn: tokio::sync::Mutex::new(None),
                    retry_at: Mutex::new(None),
                    script: redis::Script::new(SCRIPT),
                }),
                Err(e) => {
                    tracing::warn!(error = %e, "REDIS_URL is not usable; rate limits are per process");
                    None
                }
            }
        };
        Self {
            budget,
            prefix: prefix.to_owned(),
            redis,
            local: Mutex::new(Local {
                epoch: Instant::now(),
                tat: HashMap::new(),
            }),
        }
    }

    /// Whether requests are limited at all.
    pub fn enabled(&self) -> bool {
        self.budget > 0
    }

    /// Spends `cost` of `subject`'s budget if it has that much left; `None` when limits
    /// are off. `subject` names the caller (`key:ID` or `ip:ADDRESS`).
    pub async fn spend(&self, subject: &str, cost: u64) -> Option<Verdict> {
        if self.budget == 0 {
            return None;
        }
        let cost = cost.clamp(1, self.budget);
        let emission = (PERIOD_US / self.budget).max(1);
        let key = format!("{}{subject}", self.prefix);
        let shared = match &self.redis {
            Some(redis) => redis.spend(&key, emission, cost).await,
            None => None,
        };
        let (allowed, used_us, wait_us) =
            shared.unwrap_or_else(|| self.spend_locally(key, emission, cost));
        Some(Verdict {
            allowed,
            limit: self.budget,
            remaining: PERIOD_US.saturating_sub(used_us) / emission,
            reset_seconds: used_us.div_ceil(1_000_000),
            retry_after_seconds: if allowed {
                0
            } else {
                wait_us.div_ceil(1_000_000).max(1)
            },
            cost,
        })
    }

    /// The same algorithm as the script, in this process's memory.
    fn spend_locally(&self, key: String, emission: u64, cost: u64) -> (bool, u64, u64) {
        let mut local = self.local.lock().unwrap_or_else(|e| e.into_inner());
        let now = u64::try_from(local.epoch.elapsed().as_micros()).unwrap_or(u64::MAX);
        if local.tat.len() >= LOCAL_PRUNE_AT {
            local.tat.retain(|_, tat| *tat > now);
        }
        let tat = local.tat.get(&key).copied().unwrap_or(now).max(now);
        let new_tat = tat + cost * emission;
        let allow_at = new_tat.saturating_sub(PERIOD_US);
        if now < allow_at {
            return (false, tat - now, allow_at - now);
        }
        local.tat.insert(key, new_tat);
        (true, new_tat - now, 0)
    }
}

impl Redis {
    /// The script's answer, or `None` when Redis is not available.
    async fn spend(&self, key: &str, emission: u64, cost: u64) -> Option<(bool, u64, u64)> {
        {
            let mut retry_at = self.retry_at.lock().unwrap_or_else(|e| e.into_inner());
            match *retry_at {
                Some(at) if Instant::now() < at => return None,
                Some(_) => *retry_at = None,
                None => {}
            }
        }
        let answer = tokio::time::timeout(REDIS_TIMEOUT, async {
            let mut guard = self.conn.lock().await;
            let mut conn = match guard.as_ref() {
                Some(conn) => conn.clone(),
                None => {
                    let config = redis::aio::ConnectionManagerConfig::new()
                        .set_connection_timeout(Some(REDIS_TIMEOUT))
                        .set_response_timeout(Some(REDIS_TIMEOUT))
                        .set_number_of_retries(0);
                    let conn = self
                        .client
                        .get_connection_manager_with_config(config)
                        .await?;
                    *guard = Some(conn.clone());
                    conn
                }
            };
            drop(guard);
            self.script
                .key(key)
                .arg(emission)
                .arg(PERIOD_US)
                .arg(cost)
                .invoke_async::<(i64, i64, i64)>(&mut conn)
                .await
        })
        .await;
        match answer {
            Ok(Ok((allowed, used, wait))) => Some((
                allowed == 1,
                u64::try_from(used).unwrap_or(0),
                u64::try_from(wait).unwrap_or(0),
            )),
            failed => {
                let error = match failed {
                    Ok(Err(e)) => e.to_string(),
                    _ => "timed out".to_owned(),
                };
                tracing::warn!(%error, "Redis is not available; rate limits are per process for now");
                *self.conn.lock().await = None;
                *self.retry_at.lock().unwrap_or_else(|e| e.into_inner()) =
                    Some(Instant::now() + REDIS_RETRY);
                None
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn local_budget_spends_then_refuses_until_it_refills() {
        // Not a Redis URL: in memory. 6 per minute: one unit every 10 s.
        let limiter = RateLimiter::new(6, "not a url", "t:");
        let first = limiter.spend("ip:a", 4).await.expect("on");
        assert!(first.allowed);
        assert_eq!((first.remaining, first.cost), (2, 4));
        assert_eq!(first.reset_seconds, 40);
        let second = limiter.spend("ip:a", 3).await.expect("on");
        assert!(!second.allowed);
        // One more unit comes back in 10 s.
        assert_eq!(second.retry_after_seconds, 10);
        assert_eq!(second.remaining, 2);
        // Another caller has its own budget; a cost over the budget spends all of it.
        let other = limiter.spend("ip:b", 100).await.expect("on");
        assert!(other.allowed);
        assert_eq!((other.remaining, other.cost), (0, 6));
        assert!(RateLimiter::new(0, "", "").spend("ip:a", 1).await.is_none());
    }
}
