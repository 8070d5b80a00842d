//! A JSON body extractor whose rejections are problem+json naming the field, like every other
//! input error (axum's own rejection is plain text).

use crate::error::ApiError;
use axum::extract::{FromRequest, Request};
use kakehashi_app::AppError;
use serde::de::DeserializeOwned;

/// `Json<T>` with RFC 9457 rejections.
pub struct ApiJson<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequest<S> for ApiJson<T> {
    type Rejection = ApiError;
    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        match axum::Json::<T>::from_request(req, state).await {
            Ok(axum::Json(v)) => Ok(ApiJson(v)),
            Err(rejection) => {
                let text = rejection.body_text();
                Err(AppError::bad_field(
                    "body",
                    "json",
                    format!("リクエスト本文のJSONが不正です: {text}"),
                    format!("The request body is not valid for this operation: {text}"),
                )
                .into())
            }
        }
    }
}
