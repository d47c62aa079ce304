"""Reading graded rows: what a student sees, score summaries, dashboard numbers, the leaderboard, similarity."""
