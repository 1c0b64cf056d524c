/*
 * dashboard.h - the dashboard page served at / (dashboard.c).
 */
#ifndef HF_METRICS_DASHBOARD_H
#define HF_METRICS_DASHBOARD_H

/* One self-contained HTML page (inline CSS and script, no external
 * resources) that polls the REST API. */
extern const char hf_dashboard_html[];

#endif
