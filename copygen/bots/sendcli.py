"""`copygen send` (placeholder until the sender lands)."""
import click


@click.command("send")
def send_cmd() -> None:
    """按 messages.jsonl 的时间把消息发到机器人 webhook。"""
