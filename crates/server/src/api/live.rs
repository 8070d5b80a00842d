//! The in-app inbox and its live feed (server-sent events).

use crate::auth::ApiAuth;
use crate::error::ApiError;
use crate::AppState;
use axum::extract::State;
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::Json;
use serde_json::{json, Value};
use std::convert::Infallible;
use std::time::Duration;

/// The caller's inbox rows (marking and number only, never content), newest first.
#[utoipa::path(get, path = "/api/v1/notifications", tag = "live", security(("token" = ["read"])), responses((status = 200, description = "Inbox rows")))]
pub async fn notifications(
    State(s): State<AppState>,
    ApiAuth(a): ApiAuth,
) -> Result<Json<Value>, ApiError> {
    a.require_scope("read")?;
    Ok(Json(
        json!({ "items": s.app.notifications(&a.actor).await? }),
    ))
}

/// Server-sent events: one `notification` event whenever something new reaches the caller's
/// organisation, from whichever server node did it. Clients then fetch their inbox. The stream
/// ends when the credential it was opened with no longer stands (signed out, session expired,
/// token revoked or expired, person deactivated): that is checked before every event and at
/// least once a minute. (The check costs each node one small read per event, shared by all of
/// its streams; a stream reads its own credential again only when some credential changed
/// since, or its own expiry passed.)
#[utoipa::path(get, path = "/api/v1/events", tag = "live", security(("token" = ["read"])),
    responses((status = 200, description = "The stream: `event: notification` with `data: {\"kind\":…,\"ref_id\":…}`", content_type = "text/event-stream", body = String)))]
pub async fn events(
    State(s): State<AppState>,
    ApiAuth(a): ApiAuth,
) -> Result<Sse<impl futures_util::Stream<Item = Result<Event, Infallible>>>, ApiError> {
    a.require_scope("read")?;
    let every = s.app.config.live_recheck.max(Duration::from_millis(100));
    // Timers accept a generation read by another stream this recently.
    let max_age = (every / 2).min(Duration::from_secs(1));
    let mut tick = tokio::time::interval_at(tokio::time::Instant::now() + every, every);
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    // Listening before the credential is found standing: nothing heard after the check is
    // delivered unless checked again.
    let rx = s.app.events.subscribe();
    let standing = s.app.standing_credential(a.via.credential()).await;
    let live = Live {
        rx,
        viewer: a.actor.viewer()?,
        standing,
        app: s.app.clone(),
        tick,
        max_age,
    };
    let stream = futures_util::stream::unfold(live, |mut l| async move {
        let mut standing = l.standing.take()?;
        loop {
            tokio::select! {
                _ = l.tick.tick() => {
                    if !l.app.credential_still_stands(&mut standing, None, l.max_age).await {
                        return None;
                    }
                }
                r = l.rx.recv() => match r {
                    // Heard exactly by those the policy lets read the item (as its inbox row),
                    // while the credential the stream was opened with still stands.
                    Ok(e) if l.app.tells(&l.viewer, &e) => {
                        if !l.app.credential_still_stands(&mut standing, Some(e.seq()), l.max_age).await {
                            return None;
                        }
                        let ev = Event::default()
                            .event("notification")
                            .data(json!({ "kind": e.kind, "ref_id": e.ref_id }).to_string());
                        l.standing = Some(standing);
                        return Some((Ok(ev), l));
                    }
                    Ok(_) => continue,
                    Err(tokio::sync::broadcast::error::RecvError::Lagged(_)) => continue,
                    Err(tokio::sync::broadcast::error::RecvError::Closed) => return None,
                },
            }
        }
    });
    Ok(Sse::new(stream).keep_alive(KeepAlive::new().interval(Duration::from_secs(15))))
}

/// An open stream's state: what it listens to, and the credential it re-checks (`None` once it
/// no longer stands).
struct Live {
    rx: tokio::sync::broadcast::Receiver<kakehashi_app::events::Heard>,
    viewer: kakehashi_policy::Viewer,
    standing: Option<kakehashi_app::auth::StandingCredential>,
    app: kakehashi_app::App,
    tick: tokio::time::Interval,
    max_age: Duration,
}
