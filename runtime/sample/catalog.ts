// The made-up web app the sample events come from: its pages (with the section and title the
// sample workspace's seeds/pages.csv maps them to), traffic sources, countries and devices.

export interface Page {
  path: string;
  section: string;
  title: string;
}

/** Ordered by popularity: the generator draws pages zipf-like over this list. */
export const PAGES: readonly Page[] = [
  { path: '/', section: 'home', title: 'Home' },
  { path: '/products', section: 'shop', title: 'All products' },
  { path: '/pricing', section: 'marketing', title: 'Pricing' },
  { path: '/docs', section: 'docs', title: 'Documentation' },
  { path: '/search', section: 'search', title: 'Search' },
  { path: '/products/trail-runner', section: 'shop', title: 'Trail Runner shoes' },
  { path: '/blog', section: 'blog', title: 'Blog' },
  { path: '/docs/getting-started', section: 'docs', title: 'Getting started' },
  { path: '/cart', section: 'checkout', title: 'Cart' },
  { path: '/products/city-backpack', section: 'shop', title: 'City backpack' },
  { path: '/login', section: 'account', title: 'Log in' },
  { path: '/features', section: 'marketing', title: 'Features' },
  { path: '/products/rain-jacket', section: 'shop', title: 'Rain jacket' },
  { path: '/checkout', section: 'checkout', title: 'Checkout' },
  { path: '/blog/lakehouse-on-a-laptop', section: 'blog', title: 'A lakehouse on a laptop' },
  { path: '/account', section: 'account', title: 'Your account' },
  { path: '/products/wool-socks', section: 'shop', title: 'Wool socks' },
  { path: '/docs/incremental-models', section: 'docs', title: 'Incremental models' },
  { path: '/signup', section: 'account', title: 'Sign up' },
  { path: '/products/water-bottle', section: 'shop', title: 'Water bottle' },
  { path: '/blog/medallion-architecture', section: 'blog', title: 'The medallion architecture' },
  { path: '/checkout/success', section: 'checkout', title: 'Order confirmed' },
  { path: '/docs/contracts', section: 'docs', title: 'Model contracts' },
  { path: '/about', section: 'marketing', title: 'About us' },
  { path: '/products/headlamp', section: 'shop', title: 'Headlamp' },
  { path: '/blog/release-notes', section: 'blog', title: 'Release notes' },
  { path: '/careers', section: 'marketing', title: 'Careers' },
  { path: '/help', section: 'support', title: 'Help center' },
  { path: '/help/returns', section: 'support', title: 'Returns and refunds' },
  { path: '/legal/privacy', section: 'legal', title: 'Privacy policy' },
];

/** Where a session comes from, and the kind of page it lands on. */
export const REFERRERS: ReadonlyArray<{ url: string | undefined; weight: number; landing: readonly string[] }> = [
  { url: undefined, weight: 40, landing: ['home', 'shop', 'account'] },
  { url: 'https://www.google.com/', weight: 33, landing: ['shop', 'docs', 'blog', 'home'] },
  { url: 'https://newsletter.example.com/', weight: 12, landing: ['blog', 'shop'] },
  { url: 'https://t.co/', weight: 8, landing: ['blog', 'home'] },
  { url: 'https://news.ycombinator.com/', weight: 5, landing: ['blog', 'docs'] },
  { url: 'https://www.bing.com/', weight: 2, landing: ['shop', 'home'] },
];

export const COUNTRIES = ['US', 'DE', 'GB', 'FR', 'IN', 'BR', 'JP', 'CA', 'NL', 'ES', 'SE', 'AU'] as const;
export const COUNTRY_WEIGHTS = [30, 12, 10, 8, 9, 6, 5, 5, 4, 4, 3, 4];

export const DEVICES = ['desktop', 'mobile', 'tablet'] as const;
export const DEVICE_WEIGHTS = [55, 38, 7];

export const SEARCH_TERMS = ['shoes', 'backpack', 'jacket', 'socks', 'gift', 'returns', 'pricing', 'duckdb'];

/** Share of all traffic per UTC hour (a daytime peak over Europe and the Americas). */
export const HOUR_WEIGHTS = [2, 1.5, 1, 1, 1, 1.5, 2.5, 4, 5.5, 6.5, 7, 7, 7, 7.5, 8, 8, 7.5, 7, 6.5, 6, 5, 4, 3.5, 2.5];
