// Links between the dashboards; a tool key is "<server>/<tool>".
export const analyticsPath = {
  server: (name: string, range: string) => `/analytics/servers/${encodeURIComponent(name)}?range=${range}`,
  consumer: (username: string, range: string) => `/analytics/consumers/${encodeURIComponent(username)}?range=${range}`,
  tool: (key: string, range: string) => {
    const cut = key.indexOf("/");
    return `/analytics/tools/${encodeURIComponent(key.slice(0, cut))}/${encodeURIComponent(key.slice(cut + 1))}?range=${range}`;
  },
};
