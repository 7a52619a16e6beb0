// The body of a real charge.succeeded event from the emulator, with placeholders the generator
// fills per event (__EVT__, __OBJ__, __SENT__, __CREATED__): each sent event is then a real
// Stripe event shape, built without a Stripe call per event.
import type Stripe from 'stripe';

export async function templateEvent(stripe: Stripe): Promise<string> {
  await stripe.charges.create({ amount: 1234, currency: 'usd', source: 'tok_visa', description: 'template' });
  const [event] = (await stripe.events.list({ type: 'charge.succeeded', limit: 1 })).data;
  if (!event) throw new Error('the emulator recorded no charge.succeeded event');
  const object = event.data.object as unknown as Record<string, unknown>;
  object.id = '__OBJ__';
  object.description = '__SENT__';
  object.created = '__CREATED__';
  return JSON.stringify({ ...event, id: '__EVT__' });
}
