// Requests no tool fits: the right answer is plain text and no <tool_use> block, so that detection measures
// precision (no false calls) as well as recall. Replies are short, as the model should keep them.
import type { BaseExample } from './types';

const plain = (id: string, query: string, reply: string): BaseExample => ({ id, category: 'no-tool', difficulty: 'easy', query, reply, calls: [] });

// Category `no-tool`; ids start with `none-`.
export const NO_TOOL_EXAMPLES: readonly BaseExample[] = [
  plain('none-01', 'What is a race condition?', 'A race condition is a bug where the result depends on the timing of concurrent operations.'),
  plain('none-02', 'Thanks!', "You're welcome."),
  plain('none-03', 'hello there', 'Hello! What would you like to do?'),
  plain('none-04', 'Explain what a REST API is', 'A REST API exposes resources over HTTP with standard verbs such as GET and POST.'),
  plain('none-05', 'write me a haiku about autumn', 'Red leaves drift and fall,\ncool wind hums through empty trees,\nthe year exhales slow.'),
  plain('none-06', 'what does idempotent mean', 'An idempotent operation has the same effect whether it runs once or many times.'),
  plain('none-07', 'nice work, thank you', 'Glad it helped.'),
  plain('none-08', 'Which is faster for lookups, a hash map or a list?', 'A hash map: lookups take constant time on average, a list takes linear time.'),
  plain('none-09', 'what does git rebase do, in short', 'It replays your commits on top of another base commit.'),
  plain('none-10', 'how are you today?', "I'm fine, thanks. What can I do for you?"),
  plain('none-11', 'Is Python compiled or interpreted?', 'CPython compiles source to bytecode and interprets the bytecode.'),
  plain('none-12', 'tell me a short joke', 'There are 10 kinds of people: those who read binary and those who do not.'),
  plain('none-13', 'good morning', 'Good morning! What are we working on?'),
  plain('none-14', 'what is the difference between let and const in JavaScript?', 'let can be reassigned, const cannot; both are block-scoped.'),
  plain('none-15', 'cheers, that fixed it', 'Great, glad it works now.'),
  plain('none-16', 'who wrote the book Dune?', 'Frank Herbert wrote Dune.'),
  plain('none-17', 'give me a name idea for a cat', 'How about Pixel?'),
  plain('none-18', 'what does CORS stand for', 'Cross-Origin Resource Sharing.'),
  plain('none-19', 'should I use SQL or NoSQL for a small blog?', 'A small SQL database such as SQLite or Postgres is a simple, solid choice.'),
  plain('none-20', 'ok bye', 'Bye! Come back any time.'),
];
