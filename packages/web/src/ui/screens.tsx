// The screens after joining, as one chunk apart from the first screen: it loads while the join
// form shows (and at once on a registered device). zod is configured before any schema is made.
import '../zod-config.ts';
import { Chat } from './chat.tsx';
import { featurePages } from './features.ts';
import { Home } from './home.tsx';
import { findPage } from './pages.ts';

export function Screen({ path }: { path: string }) {
  const chat = /^\/gesprek\/([0-9a-f-]{36})$/.exec(path);
  if (chat) return <Chat channelId={chat[1]!} />;
  return findPage(featurePages, path) ?? <Home />;
}
