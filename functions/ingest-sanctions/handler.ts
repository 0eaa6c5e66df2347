// Placeholder: the lead developer is writing this handler.
export const handler = async (): Promise<unknown> => ({});
