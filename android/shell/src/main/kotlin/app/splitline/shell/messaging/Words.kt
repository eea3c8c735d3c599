package app.splitline.shell.messaging

/** A presence as the user reads it. */
fun describe(presence: Presence): String =
    when (presence) {
        Presence.AVAILABLE -> "Available"
        Presence.CHAT -> "Free to chat"
        Presence.AWAY -> "Away"
        Presence.EXTENDED_AWAY -> "Away for long"
        Presence.DO_NOT_DISTURB -> "Do not disturb"
        Presence.OFFLINE -> "Offline"
    }

/** A contact's line in the contact list: name, presence and status, and whether they have yet to accept. */
fun describe(contact: Contact): String =
    buildString {
        append(contact.shownName).append(" · ").append(describe(contact.presence))
        contact.status?.takeIf { it.isNotBlank() }?.let { append(" (").append(it).append(')') }
        if (contact.pending) append(" · waiting for them to accept")
    }

/** A message's line in a chat: who, the text, and (for the user's own) where it is. */
fun describe(message: Message): String =
    when {
        message.isGap -> "Some messages from around here could not be fetched."
        message.outgoing -> "Me: ${message.body} · ${describe(message.state)}"
        else -> "${message.sender.substringBefore('@')}: ${message.body}"
    }

/** Where a message is, in a word or two. */
fun describe(state: MessageState): String =
    when (state) {
        MessageState.QUEUED -> "queued"
        MessageState.SENT -> "sent"
        MessageState.DELIVERED -> "delivered"
        MessageState.READ -> "read"
        MessageState.FAILED -> "not sent"
    }

/** A chat's line in the chat list: its title, unread count and last message. */
fun describe(chat: ChatSummary): String =
    buildString {
        append(chat.roomName ?: chat.peer)
        if (chat.unread > 0) append(" (").append(chat.unread).append(" unread)")
        chat.lastMessage?.takeIf { !it.isGap }?.let { append(" — ").append(it.body.take(LAST_MESSAGE_CHARS)) }
    }

/** A room member's line. */
fun describe(member: RoomMember): String =
    when (member.role) {
        RoomRole.OWNER -> "${member.address} · owner"
        RoomRole.ADMIN -> "${member.address} · admin"
        RoomRole.MEMBER -> member.address
    }

private const val LAST_MESSAGE_CHARS = 60
