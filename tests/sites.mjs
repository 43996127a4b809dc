// What the browser tests of every engine know of the demo sites: the demo
// server's port (from `cargo xtask test`), each site's language and ids,
// its address, and what its front page loads on "accept all".

export const PORT = process.env.DIFFO_PORT;
if (!PORT) throw new Error('DIFFO_PORT is not set; run these tests with `cargo xtask test`');

export const SITES = {
  'diffo.fi': { lang: 'fi', ga: 'G-DIFFOFI00', pixel: '100000000000001', fbLocale: 'fi_FI' },
  'diffosolutions.com': { lang: 'en', ga: 'G-DIFFOCOM0', pixel: '100000000000002', fbLocale: 'en_US' },
  'diffo.se': { lang: 'sv', ga: 'G-DIFFOSE00', pixel: '100000000000003', fbLocale: 'sv_SE' },
};

export const origin = (site) => `http://${site}.localhost:${PORT}`;

/** Everything a site's "accept all" loads, by vendor: the trackers, and on
 * the demo sites' front pages (`withVideo`) the embedded video. */
export function everything(site, { withVideo = true } = {}) {
  const s = SITES[site];
  return [`gtag:${s.ga}`, 'fbevents', `fbsdk:${s.fbLocale}`, 'instagram', 'linkedin']
    .concat(withVideo ? ['youtube'] : [])
    .sort();
}

/** The built-in services, in the order of the dialog, by category. */
export const SERVICES = {
  analytics: ['google-analytics'],
  marketing: ['meta-pixel'],
  social: ['facebook', 'instagram', 'linkedin', 'youtube'],
};

/** The record's services for these categories: each of a category's on or off with it. */
export const servicesOf = (categories) =>
  Object.fromEntries(Object.entries(SERVICES).flatMap(([c, ids]) => ids.map((id) => [id, !!categories[c]])));
