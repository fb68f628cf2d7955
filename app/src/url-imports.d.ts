// Vite's `?url` imports: the URL the bundled asset is served from.
declare module '*?url' {
  const url: string;
  export default url;
}
