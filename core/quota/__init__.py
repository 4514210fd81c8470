"""The quarterly quota (S0.7): calendar periods in Vietnam's time and the counts per agency,
read by the reports (CSV, GraphQL) and by the desk's home page."""
