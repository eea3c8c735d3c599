package app.splitline.shell.messaging

import app.splitline.shell.core.RowOp
import uniffi.splitline_bindings.Availability
import uniffi.splitline_bindings.ChatInfo
import uniffi.splitline_bindings.ChatRowOp
import uniffi.splitline_bindings.ContactInfo
import uniffi.splitline_bindings.ContactRowOp
import uniffi.splitline_bindings.MessageInfo
import uniffi.splitline_bindings.MessageRowOp
import uniffi.splitline_bindings.MessageStatus
import uniffi.splitline_bindings.PageBackEnd
import uniffi.splitline_bindings.RequestsUpdate
import uniffi.splitline_bindings.RoomInfo
import uniffi.splitline_bindings.RoomMemberInfo
import uniffi.splitline_bindings.RoomRole as CoreRoomRole
import uniffi.splitline_bindings.TimelineKind

// The generated types become the app's here, and go no further.

internal fun Availability.toPresence(): Presence =
    when (this) {
        Availability.AVAILABLE -> Presence.AVAILABLE
        Availability.CHAT -> Presence.CHAT
        Availability.AWAY -> Presence.AWAY
        Availability.EXTENDED_AWAY -> Presence.EXTENDED_AWAY
        Availability.DO_NOT_DISTURB -> Presence.DO_NOT_DISTURB
        Availability.OFFLINE -> Presence.OFFLINE
    }

internal fun Presence.toAvailability(): Availability =
    when (this) {
        Presence.AVAILABLE -> Availability.AVAILABLE
        Presence.CHAT -> Availability.CHAT
        Presence.AWAY -> Availability.AWAY
        Presence.EXTENDED_AWAY -> Availability.EXTENDED_AWAY
        Presence.DO_NOT_DISTURB -> Availability.DO_NOT_DISTURB
        Presence.OFFLINE -> Availability.OFFLINE
    }

internal fun ContactInfo.toContact(): Contact = Contact(jid, name, availability.toPresence(), status, pending)

internal fun RequestsUpdate.toRequests(): Requests =
    Requests(requests, ownPresence.availability.toPresence(), ownPresence.status)

internal fun MessageInfo.toMessage(): Message =
    Message(
        id = id,
        peer = peer,
        outgoing = outgoing,
        sender = sender,
        body = body,
        timestampMs = timestampMs,
        state = when (status) {
            MessageStatus.QUEUED -> MessageState.QUEUED
            MessageStatus.SENT -> MessageState.SENT
            MessageStatus.DELIVERED -> MessageState.DELIVERED
            MessageStatus.DISPLAYED -> MessageState.READ
            MessageStatus.FAILED -> MessageState.FAILED
        },
        isGap = kind == TimelineKind.GAP,
        fromStranger = fromStranger,
    )

internal fun ChatInfo.toSummary(): ChatSummary =
    ChatSummary(peer, roomName, unread.toInt(), lastMessage?.toMessage(), lastActivityMs)

internal fun RoomInfo.toRoom(): Room = Room(jid, name)

internal fun RoomMemberInfo.toMember(): RoomMember =
    RoomMember(
        jid,
        when (role) {
            CoreRoomRole.OWNER -> RoomRole.OWNER
            CoreRoomRole.ADMIN -> RoomRole.ADMIN
            CoreRoomRole.MEMBER -> RoomRole.MEMBER
        },
    )

internal fun PageBackEnd.toHistoryEnd(): HistoryEnd =
    when (this) {
        PageBackEnd.More -> HistoryEnd.More
        PageBackEnd.Beginning -> HistoryEnd.Beginning
        is PageBackEnd.ArchiveUnavailable -> HistoryEnd.Unavailable(reason)
    }

internal fun ContactRowOp.toRowOp(): RowOp<Contact> =
    when (this) {
        is ContactRowOp.Insert -> RowOp.Insert(index.toInt(), row.toContact())
        is ContactRowOp.Update -> RowOp.Update(index.toInt(), row.toContact())
        is ContactRowOp.Remove -> RowOp.Remove(index.toInt())
    }

internal fun ChatRowOp.toRowOp(): RowOp<ChatSummary> =
    when (this) {
        is ChatRowOp.Insert -> RowOp.Insert(index.toInt(), row.toSummary())
        is ChatRowOp.Update -> RowOp.Update(index.toInt(), row.toSummary())
        is ChatRowOp.Remove -> RowOp.Remove(index.toInt())
    }

internal fun MessageRowOp.toRowOp(): RowOp<Message> =
    when (this) {
        is MessageRowOp.Insert -> RowOp.Insert(index.toInt(), row.toMessage())
        is MessageRowOp.Update -> RowOp.Update(index.toInt(), row.toMessage())
        is MessageRowOp.Remove -> RowOp.Remove(index.toInt())
    }
