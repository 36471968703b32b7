import { render } from 'preact';
import { locale } from './i18n.ts';
import { start } from './state/session.ts';
import { App } from './ui/app.tsx';
import './styles.css';

document.documentElement.lang = locale();
render(<App />, document.getElementById('app')!);
void start();

if ('serviceWorker' in navigator && location.protocol !== 'file:') {
  void navigator.serviceWorker.register('/sw.js').catch(() => undefined);
}
