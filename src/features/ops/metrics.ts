/** In-process request counters rendered in the Prometheus text format at /metrics. */
export class Metrics {
  private readonly requests = new Map<string, number>();
  private readonly durations = new Map<string, { sum: number; count: number }>();
  private readonly started = Date.now();

  record(method: string, route: string, status: number, ms: number): void {
    const key = `method="${method}",route="${route.replace(/"/g, "'")}",status="${status}"`;
    this.requests.set(key, (this.requests.get(key) ?? 0) + 1);
    const dkey = `method="${method}",route="${route.replace(/"/g, "'")}"`;
    const d = this.durations.get(dkey) ?? { sum: 0, count: 0 };
    d.sum += ms / 1000;
    d.count += 1;
    this.durations.set(dkey, d);
  }

  render(): string {
    const lines = [
      "# HELP convene_http_requests_total HTTP requests by route and status.",
      "# TYPE convene_http_requests_total counter",
      ...[...this.requests].map(([k, v]) => `convene_http_requests_total{${k}} ${v}`),
      "# HELP convene_http_request_duration_seconds Time spent answering requests.",
      "# TYPE convene_http_request_duration_seconds summary",
      ...[...this.durations].flatMap(([k, d]) => [
        `convene_http_request_duration_seconds_sum{${k}} ${d.sum.toFixed(6)}`,
        `convene_http_request_duration_seconds_count{${k}} ${d.count}`,
      ]),
      "# HELP convene_uptime_seconds Seconds since this app instance started.",
      "# TYPE convene_uptime_seconds gauge",
      `convene_uptime_seconds ${((Date.now() - this.started) / 1000).toFixed(0)}`,
    ];
    return `${lines.join("\n")}\n`;
  }
}
