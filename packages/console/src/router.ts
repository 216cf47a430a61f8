/**
 * @module
 * Client routing on history URLs under `/console/`: the path names the view, so every view can
 * be bookmarked and reloaded (the server answers index.html for deep links).
 */

export const BASE = '/console';

export type Route =
  | { name: 'orders' }
  | { name: 'order'; id: string }
  | { name: 'providers' }
  | { name: 'notifications' }
  | { name: 'not_found'; path: string };

/** The route of a path; anything outside `/console` counts as the start page. */
export function parseRoute(pathname: string): Route {
  if (!pathname.startsWith(BASE)) return { name: 'orders' };
  const rest = pathname.slice(BASE.length).replace(/\/+$/, '');
  if (rest === '' || rest === '/orders') return { name: 'orders' };
  if (rest === '/providers') return { name: 'providers' };
  if (rest === '/notifications') return { name: 'notifications' };
  const order = /^\/orders\/([^/]+)$/.exec(rest);
  if (order?.[1]) {
    try {
      return { name: 'order', id: decodeURIComponent(order[1]) };
    } catch {
      return { name: 'not_found', path: pathname };
    }
  }
  return { name: 'not_found', path: pathname };
}

/** The path of a route. */
export function pathOf(route: Route): string {
  switch (route.name) {
    case 'orders':
      return `${BASE}/orders`;
    case 'order':
      return `${BASE}/orders/${encodeURIComponent(route.id)}`;
    case 'providers':
      return `${BASE}/providers`;
    case 'notifications':
      return `${BASE}/notifications`;
    case 'not_found':
      return route.path;
  }
}

/** Path of one order's story. */
export function orderPath(id: string): string {
  return pathOf({ name: 'order', id });
}

/** Whether a link's URL is one the app routes itself (same origin, under the base, not the API). */
export function isAppUrl(url: URL): boolean {
  return (
    url.origin === location.origin &&
    (url.pathname === BASE || url.pathname.startsWith(`${BASE}/`)) &&
    !url.pathname.startsWith(`${BASE}/api/`) &&
    !url.pathname.startsWith(`${BASE}/assets/`)
  );
}
