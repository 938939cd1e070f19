/** The tab icon: a leaf on the union's green (the browser asked for /favicon.ico on every page and got 404). */
export const ICON_SVG = `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 64 64">
<circle cx="32" cy="32" r="32" fill="#1b7a43"/>
<path d="M18 44c0-16 11-26 30-28-1 19-11 30-27 30l-3 4-3-2 3-4z" fill="#fff"/>
<path d="M21 44c6-9 13-16 22-22" stroke="#1b7a43" stroke-width="3" fill="none" stroke-linecap="round"/>
</svg>
`;
