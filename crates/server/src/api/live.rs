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
#[utoipa::path(get, path = "/api/v1/notifications", tag = "live", responses((status = 200, description = "Inbox rows")))]
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
/// organisation, from whichever server node did it. Clients then fetch their inbox.
#[utoipa::path(get, path = "/api/v1/events", tag = "live", responses((status = 200, description = "text/event-stream")))]
pub async fn events(
    State(s): State<AppState>,
    ApiAuth(a): ApiAuth,
) -> Result<Sse<impl futures_util::Stream<Item = Result<Event, Infallible>>>, ApiError> {
    a.require_scope("read")?;
    let viewer = a.actor.viewer()?;
    let rx = s.app.events.subscribe();
    let app = s.app.clone();
    let stream = futures_util::stream::unfold((rx, viewer), move |(mut rx, viewer)| {
        let app = app.clone();
        async move {
            loop {
                match rx.recv().await {
                    // Heard exactly by those the policy lets read the item (as its inbox row).
                    Ok(e) if app.tells(&viewer, &e) => {
                        let ev = Event::default()
                            .event("notification")
                            .data(json!({ "kind": e.kind, "ref_id": e.ref_id }).to_string());
                        return Some((Ok(ev), (rx, viewer)));
                    }
                    Ok(_) => continue,
                    Err(tokio::sync::broadcast::error::RecvError::Lagged(_)) => continue,
                    Err(tokio::sync::broadcast::error::RecvError::Closed) => return None,
                }
            }
        }
    });
    Ok(Sse::new(stream).keep_alive(KeepAlive::new().interval(Duration::from_secs(15))))
}
