//! Upkeep of the database underneath: the query planner's table statistics.
//!
//! Every listing, inbox and TAXII page is planned by the database from its table statistics.
//! PostgreSQL keeps them by itself only while autovacuum runs; where an installation turned it
//! off, the store keeps them instead ([`kakehashi_store::Store::keep_statistics`]): once at
//! start-up and then every minute, on whichever node takes the turn.

use crate::{App, AppResult, FirstTurn};

impl App {
    /// Analyses the tables whose statistics are due (see the store); the tables analysed.
    pub async fn keep_statistics(&self) -> AppResult<Vec<String>> {
        let analysed = self.store.keep_statistics().await?;
        if !analysed.is_empty() {
            tracing::info!(tables = %analysed.join(", "), "table statistics brought up to date");
        }
        Ok(analysed)
    }

    /// Runs [`App::keep_statistics`] now and then every `interval`, until the returned task is
    /// aborted. A failure is logged and tried again at the next turn.
    pub fn spawn_statistics_worker(
        &self,
        interval: std::time::Duration,
    ) -> tokio::task::JoinHandle<()> {
        self.spawn_every(
            "statistics worker",
            interval,
            FirstTurn::Now,
            |app| async move { app.keep_statistics().await },
        )
    }
}
