-- CreateIndex: a claim for a new call counts the consumer's pending approvals on the server (their cap)
CREATE INDEX "ToolCallApproval_consumer_server_status_idx" ON "ToolCallApproval"("consumer", "server", "status");
