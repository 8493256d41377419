"""The demo community's threads: hand-written questions and answers in English and Dutch, each
on the board it belongs on, for `forum.seed.seed_demo`.

Plain data only. A thread names its board, title, body and tags (from its board's set in `TAGS`)
and its answers in the order they were written; `accepted` is the index of the answer the asker
accepts (None: answered but unsolved; a thread without answers is unanswered), `staff` the index
of the answer a staff member wrote. Who asks, who answers and when is the seed's business.
"""

from __future__ import annotations

from dataclasses import dataclass

TAGS: dict[str, tuple[str, ...]] = {
    "account-billing": ("top-up", "bill", "direct-debit", "bundle", "refund", "payment"),
    "network-coverage": ("data", "coverage", "roaming", "5g", "calls", "wifi-calling", "outage"),
    "phones-devices": ("voicemail", "apn", "hotspot", "app", "settings", "volte", "sms", "5g"),
    "sim-activation": ("esim", "porting", "puk", "activation", "delivery"),
    "lost-stolen": ("lost-phone", "block-sim", "account-security"),
    "ideas": ("app", "bundle", "roaming", "payment"),
}


@dataclass(frozen=True)
class Thread:
    language: str
    board: str
    title: str
    body: str
    tags: tuple[str, ...]
    answers: tuple[str, ...]
    accepted: int | None = None  # index of the accepted answer
    staff: int | None = None  # index of the answer written by staff

    @property
    def accepted_by_staff(self) -> bool:
        return self.accepted is not None and self.accepted == self.staff


def en(
    board: str,
    title: str,
    body: str,
    tags: tuple[str, ...],
    *answers: str,
    accepted: int | None = None,
    staff: int | None = None,
) -> Thread:
    return Thread("en", board, title, body, tags, answers, accepted, staff)


def nl(
    board: str,
    title: str,
    body: str,
    tags: tuple[str, ...],
    *answers: str,
    accepted: int | None = None,
    staff: int | None = None,
) -> Thread:
    return Thread("nl", board, title, body, tags, answers, accepted, staff)


ENGLISH: tuple[Thread, ...] = (
    # Account & billing
    en(
        "account-billing",
        "Charged twice for my monthly plan",
        "My bank statement shows the plan fee twice this month, both on the 3rd. The app lists "
        "only one payment under *Account → Payments*. How do I get the second one back?",
        ("bill", "refund"),
        "Check whether one of the two is still marked *pending* in your banking app. A card "
        "check sometimes shows up as a second charge and drops off by itself within 3 working "
        "days.",
        "Same thing happened to me in January. If both have really gone through (not pending), "
        "use *Account → Payments → Report a problem* and pick the duplicate: mine was refunded "
        "to the card two days later.",
        accepted=1,
    ),
    en(
        "account-billing",
        "Top-up paid but my balance hasn't changed",
        "I topped up €20 with my card in the app an hour ago. The money has left my bank "
        "account but the balance still shows €1.40. I already closed and reopened the app.",
        ("top-up", "payment"),
        "Card top-ups can take up to 15 minutes when the bank asks for an extra check. Look at "
        "*Account → Top-up history*: if it says *failed*, the bank releases the money within "
        "5 working days, and you can simply top up again.",
        "Try logging out and in again, the balance on the home screen is cached.",
        accepted=0,
    ),
    en(
        "account-billing",
        "How do I stop my bundle from renewing?",
        "I'm moving abroad next month and don't want the €12 bundle to renew on the 14th. I "
        "can't find a cancel button anywhere in the app. Do I have to call someone?",
        ("bundle",),
        "No need to call. Go to *Account → Bundles*, tap the bundle, then *Manage → Turn off "
        "auto-renew*. It keeps working until the end date and then simply stops.",
        accepted=0,
    ),
    en(
        "account-billing",
        "Direct debit failed, will my number be cut off?",
        "I got an e-mail saying this month's direct debit was returned because my account was "
        "short. The money is there now. Will they try again, or is my line going to be "
        "blocked?",
        ("direct-debit", "bill"),
        "They retry once after about 5 days, but you don't have to wait: *Account → Bills → "
        "Pay now* lets you pay the open amount by card or iDEAL. Nothing gets blocked during "
        "the first 14 days after a failed debit.",
        "Happened to me once, the retry went through and that was it.",
        accepted=0,
    ),
    en(
        "account-billing",
        "Charged €4.50 a week for an SMS service I never ordered",
        "My bill shows three charges of €4.50 from a short code called 3669 for 'mobile "
        "content'. I never subscribed to anything. How do I stop it and get the money back?",
        ("bill", "refund"),
        "Text STOP to 3669, that ends the subscription straight away. Then switch on *Account → "
        "Spend controls → Block premium services* so it can't happen again. For the refund, "
        "the service provider has to pay it back: file it at the complaints desk for paid SMS "
        "services and mention the dates from your bill.",
        "Those usually come from a 'free' quiz or game website where you typed your number.",
        accepted=0,
    ),
    en(
        "account-billing",
        "Text saying my account is suspended: is this a scam?",
        "I got a text saying my account is suspended and I must pay €1.99 via a link to keep my "
        "number. It comes from a normal mobile number, not from you. I haven't clicked it.",
        ("payment",),
        "Don't click! Never seen a real message like that.",
        "Good call not to click. This is a phishing text: we never ask for a payment through a "
        "link in a text, and your account is active. Forward the message to 7726 so we can "
        "block the sender, then delete it. If you did fill in card details anywhere, call "
        "your bank right away.",
        accepted=1,
        staff=1,
    ),
    en(
        "account-billing",
        "Unused data didn't roll over to this month",
        "I had about 3 GB left on my bundle when it renewed, but now I only see the new 10 GB. "
        "I thought unused data carries over? My friend on the same bundle did get hers.",
        ("bundle",),
        "Rollover only happens when the bundle renews automatically. If you bought the new one "
        "by hand (or auto-renew was off that month), the leftover expires. Turn auto-renew back "
        "on under *Account → Bundles* and it'll roll over next time.",
        accepted=0,
    ),
    en(
        "account-billing",
        "Changing the card my plan is paid with",
        "My old debit card expires at the end of the month and the bank sent me a new one. "
        "Where do I change it so the next payment doesn't fail?",
        ("payment",),
        "*Account → Payments → Payment method → Replace card*. You pay a 1 cent check "
        "payment that's refunded straight away. The next renewal uses the new card.",
        accepted=0,
    ),
    en(
        "account-billing",
        "Can I get a VAT invoice for my bundle?",
        "I use my phone for work and my accountant needs proper invoices with VAT shown. The "
        "confirmation e-mails only show the total. Is there a way to download real invoices?",
        ("bill",),
        "Yes: *Account → Bills* has a PDF per month with the VAT split out. If you add your "
        "company name under *Account → Details → Invoice name*, it's printed on them from the "
        "next invoice on.",
        accepted=0,
    ),
    en(
        "account-billing",
        "Balance went negative after a call from Switzerland",
        "I made two short calls in Zurich last weekend and now my balance is €-6.20. I thought "
        "calls in Europe were included in my bundle. How is it negative if I'm prepaid?",
        ("bill", "bundle"),
        "Switzerland isn't in the EU roaming zone, so those calls are charged at the world "
        "rate. The network only sees the cost after the call ends, which is how a prepaid "
        "balance can dip below zero. Your next top-up settles it first.",
        "Check the roaming rates page before you travel, it lists country by country.",
        accepted=0,
    ),
    en(
        "account-billing",
        "How do I close my account and get my remaining credit back?",
        "I'm leaving the Netherlands for good and want to close my account. I still have about "
        "€25 of credit. Can I get it paid back to my bank account?",
        ("refund",),
        "Closing is under *Account → Details → Close account*. I'm not sure about the credit "
        "though, I think prepaid credit isn't refunded.",
        "You can get topped-up credit back, but not bonus credit. Ask staff to be sure.",
    ),
    en(
        "account-billing",
        "Bundle price went up, can I keep the old one?",
        "I got an e-mail that my bundle goes from €10 to €11 next month. I've been a customer "
        "for six years. Is there any way to stay on the old price?",
        ("bundle",),
        "I don't think so, prices went up for everyone. You could look for a smaller bundle "
        "if you don't use all the data.",
    ),
    en(
        "account-billing",
        "Card payment declined though the card works everywhere else",
        "Every time I try to pay my bill by card it says *payment declined*. The same card "
        "works in shops and online. I tried two browsers and the app.",
        ("payment",),
        "Is 3D Secure switched on for your card? Without it the payment gets declined.",
        "Check that the billing address matches the one at your bank, that caught me out.",
        "Thanks for the details. Your card was issued outside the EU, and our payment provider "
        "declines those for recurring payments. You can pay this bill with iDEAL or a one-off "
        "card payment under *Account → Bills → Pay now*, or add an EU card for the monthly "
        "payments.",
        accepted=2,
        staff=2,
    ),
    en(
        "account-billing",
        "Gift top-up voucher says the code was already used",
        "My sister gave me a €15 top-up voucher for my birthday. When I enter the code in the "
        "app it says *this code has already been used*. I haven't used it, and she bought it "
        "last week.",
        ("top-up",),
    ),
    en(
        "account-billing",
        "Bills still go to my old address",
        "I moved two months ago and changed my address under *Account → Details*, and the "
        "page shows the new one. But the paper bill this month went to my old flat again. Is "
        "there a separate billing address somewhere?",
        ("bill",),
    ),
    # Signal, data, calls and roaming
    en(
        "network-coverage",
        "Mobile data says connected but nothing loads",
        "Since this morning my phone shows 4G with full bars, but no website or app loads. "
        "Wifi works fine. I restarted twice and toggled airplane mode.",
        ("data",),
        "Check the APN: *Settings → Mobile network → Access point names*. It should be "
        "`internet` with no username or password. If it's wrong or missing, add it, select it "
        "and restart. An update sometimes resets it.",
        "Also make sure mobile data isn't turned off for each app separately.",
        accepted=0,
    ),
    en(
        "network-coverage",
        "Roaming in Spain: do I need an add-on?",
        "Travelling to Valencia for two weeks next month. Will my data and minutes work the same "
        "as at home, or do I need to buy something extra before I go?",
        ("roaming",),
        "Spain is in the EU, so you roam like at home: your bundle's minutes, texts and data "
        "work the same with no add-on. There's a fair-use limit on data for very big bundles, "
        "but with a normal bundle you won't notice it.",
        accepted=0,
    ),
    en(
        "network-coverage",
        "No signal indoors in my new flat",
        "Outside the building I have full signal, but inside my flat it drops to one bar or "
        "nothing and calls fail. I'm on the ground floor of an old concrete building.",
        ("coverage", "wifi-calling"),
        "Switch on wifi calling: *Settings → Mobile network → Wi-Fi calling* (on an iPhone "
        "*Settings → Phone → Wi-Fi Calling*). Your calls and texts then go over your home wifi "
        "and work even with no signal at all. It doesn't cost anything extra.",
        "Concrete buildings are the worst. Sitting near a window helped me a bit.",
        accepted=0,
    ),
    en(
        "network-coverage",
        "5G icon shows but speeds are worse than 4G",
        "Since my area got 5G my speed tests are around 20 Mbit/s, where I used to get 80 on "
        "4G. The phone always shows 5G at home. Is something wrong with my phone?",
        ("5g", "data"),
        "Where 5G runs on the low band, it reaches far but isn't faster than good 4G, and at "
        "the edge of a cell it can be slower. Set *Settings → Mobile network → Preferred "
        "network type* to *4G/LTE* at home and compare: plenty of people keep it that way.",
        accepted=0,
    ),
    en(
        "network-coverage",
        "Calls drop after a few seconds",
        "Almost every call I make cuts off after 5 to 10 seconds. Incoming calls are fine. It "
        "started after I moved my SIM to a new phone.",
        ("calls",),
        "Sounds like VoLTE. Turn *4G calling* (VoLTE) off and on again under *Settings → Mobile "
        "network*, and check the phone has the latest update. After a SIM move the phone "
        "sometimes keeps the old provider's profile until it's been restarted.",
        accepted=0,
    ),
    en(
        "network-coverage",
        "No data at all in Switzerland",
        "I'm in Geneva for work and my phone connects to a Swiss network but data doesn't work. "
        "Calls seem to work. Roaming is turned on.",
        ("roaming", "data"),
        "Switzerland isn't part of the EU roaming deal, so EU data doesn't work there. You need "
        "the *World* roaming add-on in the app, or your data is blocked to protect you from "
        "high costs.",
        "Use the hotel wifi in the meantime and set up wifi calling.",
        accepted=0,
    ),
    en(
        "network-coverage",
        "Not receiving texts from my bank",
        "My bank sends login codes by text and they never arrive. Texts from friends come "
        "through fine. I'm on prepaid and have credit.",
        ("calls",),
        "Check *Account → Spend controls*: if *Block short codes* is on, texts from services "
        "(banks use short codes) are blocked too. Turn it off and ask the bank to send the code "
        "again.",
        "Also check the message centre number in your messages app settings: +31 6 54 000 000.",
        accepted=0,
    ),
    en(
        "network-coverage",
        "Wifi calling option missing on my phone",
        "I want to use wifi calling at home but there's no option for it anywhere in my "
        "settings. The phone is a two-year-old Motorola.",
        ("wifi-calling",),
        "The option only shows on phones where the maker has enabled wifi calling for our "
        "network. For Motorola that came with the Android 14 update, so install all updates "
        "first; after a restart the switch appears under *Settings → Mobile network*.",
        accepted=0,
    ),
    en(
        "network-coverage",
        "Data crawls every evening in my neighbourhood",
        "From about 7 to 11 pm my data drops to under 1 Mbit/s. During the day it's fast. It's "
        "been like this for a few weeks.",
        ("data", "coverage"),
        "That sounds like a busy mast in the evening when everyone is streaming.",
        "Same here in Amersfoort, I switch to wifi in the evening.",
    ),
    en(
        "network-coverage",
        "Mast outage near Central Station since Monday?",
        "Since Monday I have no signal at all around Utrecht Centraal, while it's fine a few "
        "streets away. Colleagues on the same network have the same problem. Is there work "
        "going on?",
        ("outage", "coverage"),
        "Thanks for reporting this. One of the masts near the station is being replaced; the "
        "work finishes on Friday and coverage is back to normal from then on. Wifi calling "
        "works in the meantime.",
        "Can confirm it's back, signal was fine this morning.",
        accepted=0,
        staff=0,
    ),
    en(
        "network-coverage",
        "Ferry to England used expensive satellite roaming",
        "On the ferry from Hoek van Holland my phone connected to a network called 'Maritime' "
        "and I now have €38 of charges. Roaming was on, I didn't realise the ship has its own "
        "network.",
        ("roaming",),
        "Ships and planes use satellite networks that aren't covered by any bundle. Put your "
        "phone in airplane mode on board next time.",
        "We've looked at your line: the charges are correct, but as it's the first time we've "
        "refunded them as a one-off. Next time pick your network by hand or use airplane mode "
        "once you're out at sea.",
        accepted=1,
        staff=1,
    ),
    en(
        "network-coverage",
        "Is tethering allowed while roaming in the EU?",
        "I'll be working from a campsite in Italy for a week. Can I use my phone as a hotspot "
        "for my laptop there, or is tethering blocked abroad?",
        ("roaming", "data"),
        "Tethering works abroad the same as at home, it just comes out of your bundle's data. "
        "A laptop uses a lot more than a phone, so check your usage in the app.",
        accepted=0,
    ),
    en(
        "network-coverage",
        "Signal drops to E on the A2 past Utrecht",
        "Every day on the A2 between Utrecht and Vianen my phone drops from 4G to E and calls "
        "break up. It's always the same stretch. Is this a known gap?",
        ("coverage", "calls"),
    ),
    en(
        "network-coverage",
        "Coverage map says 5G but I only ever get 4G",
        "The coverage checker shows 5G for my postcode, but my phone never shows more than 4G. "
        "The phone is 5G-capable, I checked the specs.",
        ("5g", "coverage"),
        "Is *5G* allowed in *Settings → Mobile network → Preferred network type*? It's off by "
        "default on some phones. Also check that the phone supports band n28, which is what "
        "most 5G here runs on.",
        "Restart after changing it, it didn't switch for me until I did.",
        accepted=0,
    ),
    # Handsets, settings and apps
    en(
        "phones-devices",
        "Voicemail keeps saying my mailbox is full",
        "I deleted all the messages in my visual voicemail app, but callers still hear that my "
        "mailbox is full. I've restarted the phone too.",
        ("voicemail",),
        "The visual voicemail app only deletes its own copies. Call 1233, listen to the saved "
        "messages and delete them there (press 7 after each one): then the mailbox itself is "
        "empty.",
        accepted=0,
    ),
    en(
        "phones-devices",
        "Setting up visual voicemail on Android",
        "I just switched from an iPhone to a Samsung and miss seeing my voicemails as a list. "
        "Is there visual voicemail for Android, and how do I turn it on?",
        ("voicemail", "app"),
        "Yes: open the *Phone* app, *Settings → Voicemail → Visual voicemail* and switch it "
        "on. It needs mobile data the first time it sets itself up, so don't do it on wifi "
        "only.",
        accepted=0,
    ),
    en(
        "phones-devices",
        "Which APN settings do I need for MMS?",
        "I can't send picture messages, they just fail. Normal texts and data work. What should "
        "the MMS settings be?",
        ("apn", "sms"),
        "Add a second APN in *Settings → Mobile network → Access point names*: APN `mms`, MMSC "
        "`http://mms.example.net`, MMS proxy `10.0.0.10`, port `8080`, APN type `mms`. Leave "
        "the `internet` one as it is.",
        "Most people use WhatsApp for photos anyway.",
        accepted=0,
    ),
    en(
        "phones-devices",
        "iPhone says 'SIM not supported' after switching",
        "I bought a second-hand iPhone 12 and put my SIM in. It says *SIM not supported*. My "
        "SIM works in my old phone.",
        ("settings",),
        "The phone is still locked to the provider it was originally sold by. The seller (or "
        "that provider) has to unlock it; once that's done, put your SIM in and it works "
        "right away.",
        "Check *Settings → General → About → Carrier lock*: if it doesn't say *No SIM "
        "restrictions*, it's locked.",
        accepted=0,
    ),
    en(
        "phones-devices",
        "Personal hotspot greyed out on my iPhone",
        "I want to share my data with my laptop, but *Personal Hotspot* is greyed out in "
        "settings. Data works fine on the phone itself.",
        ("hotspot", "apn"),
        "Go to *Settings → Mobile Data → Mobile Data Network*, scroll down to *Personal "
        "Hotspot* and type `internet` in the APN field. Restart, and the switch works.",
        accepted=0,
    ),
    en(
        "phones-devices",
        "Pixel won't send group messages",
        "Group texts with friends on iPhones never arrive on my Pixel 8, and mine don't reach "
        "them. One-to-one texts are fine.",
        ("sms",),
        "Group texts go as MMS, so check your MMS settings first.",
        "Try turning RCS chats off and on again in Google Messages.",
    ),
    en(
        "phones-devices",
        "Phone keeps switching between wifi and mobile data",
        "At home my phone keeps jumping from wifi to 4G and back, which breaks my video calls. "
        "The wifi itself is stable, my laptop never drops.",
        ("settings",),
        "Turn off *Adaptive connectivity* / *Switch to mobile data* (Android: *Settings → "
        "Network → Wi-Fi → Wi-Fi preferences*; iPhone: *Wi-Fi Assist* at the bottom of "
        "*Mobile Data*). The phone then stays on wifi even when it thinks the signal is weak.",
        accepted=0,
    ),
    en(
        "phones-devices",
        "App logs me out every day",
        "The app asks me to log in again every morning, even though I tick *stay logged in*. "
        "I've reinstalled it. Android 14, app version 4.11.",
        ("app",),
        "Thanks, this was a bug in version 4.11 that cleared the login when the phone "
        "optimised its battery overnight. Version 4.12 fixes it; it's in the Play Store now.",
        "Updated this morning and it remembered me, thanks.",
        accepted=0,
        staff=0,
    ),
    en(
        "phones-devices",
        "Phone gets hot and the battery drains on 5G",
        "Since I switched on 5G my phone gets warm in my pocket and the battery is empty by "
        "mid-afternoon. On 4G it lasted the whole day.",
        ("5g", "settings"),
        "Searching for a weak 5G signal costs a lot of battery. Set the preferred network type "
        "to *4G/LTE*, or use *5G Auto* if your phone has it, which only uses 5G when it's "
        "worth it.",
        accepted=0,
    ),
    en(
        "phones-devices",
        "Forwarding calls to my work number",
        "I want all my calls to go to my work phone while I'm on holiday. Is there a code for "
        "that, and does it cost anything?",
        ("settings",),
        "Dial `**21*0612345678#` (your work number) and press call; `##21#` stops it. "
        "Forwarded calls to a Dutch mobile count as normal minutes from your bundle.",
        accepted=0,
    ),
    en(
        "phones-devices",
        "Recording my own voicemail greeting",
        "Callers hear a standard computer voice reading my number. I'd like to record a "
        "greeting in my own voice, in English and Dutch. Is that possible?",
        ("voicemail",),
        "Call 1233, press 3 for *Greetings*, then 1 to record a personal greeting. Say both "
        "languages in the one recording; it can be up to 60 seconds. Press # to save.",
        "In visual voicemail you can record it from the app too, under *Greeting*.",
        accepted=0,
    ),
    en(
        "phones-devices",
        "Dual SIM phone calls out on the wrong SIM",
        "I have my work SIM and my own SIM in one phone. Although I set my own SIM as default "
        "for calls, calls from my contacts app go out on the work SIM.",
        ("settings",),
    ),
    # New SIMs, eSIM, porting your number
    en(
        "sim-activation",
        "Keeping my number when I switch to you",
        "I'm on a contract with another provider that ends next month. Can I keep my number "
        "when I move to you, and do I need to cancel the old contract myself?",
        ("porting",),
        "Yes. When you order the SIM, pick *Keep my number* and fill in your current number and "
        "the customer number from your old provider. We arrange the switch and the old "
        "contract ends by itself on the day the number moves; you don't cancel it yourself.",
        "Do it a few days before your contract end date, not after.",
        accepted=0,
    ),
    en(
        "sim-activation",
        "New SIM says 'No service' after activation",
        "I activated my new SIM online two hours ago and got the confirmation e-mail, but the "
        "phone still shows *No service*. I've restarted it.",
        ("activation",),
        "Activation can take up to 4 hours. If it's still *No service* after that, check that "
        "the SIM number in your account matches the one printed on the card (under "
        "*Account → SIM*).",
        "Mine took three hours, then it suddenly worked.",
        accepted=0,
    ),
    en(
        "sim-activation",
        "Switching from a physical SIM to eSIM",
        "My new phone supports eSIM and I'd like to get rid of the plastic SIM. Does my number "
        "and bundle stay the same, and how long will I be without service?",
        ("esim",),
        "Go to *Account → SIM → Switch to eSIM* and scan the QR code with the new phone. "
        "Number, credit and bundle all stay the same. The old SIM stops working the moment "
        "the eSIM is installed, so you're only offline for a minute or two.",
        accepted=0,
    ),
    en(
        "sim-activation",
        "Where do I find my PUK code?",
        "I entered the wrong PIN three times and now my phone asks for a PUK code. I threw "
        "away the card the SIM came on.",
        ("puk",),
        "Log in on the website (not the app, the app needs the SIM) and go to *Account → SIM "
        "→ PIN and PUK*. Careful: after 10 wrong PUK attempts the SIM is blocked for good.",
        accepted=0,
    ),
    en(
        "sim-activation",
        "eSIM QR code already used, new phone",
        "I installed my eSIM on my old phone last year and now have a new one. When I scan the "
        "same QR code it says it has already been used.",
        ("esim",),
        "Every QR code works once. Request a new one under *Account → SIM → New eSIM "
        "profile*; the old profile stops when you install the new one.",
        accepted=0,
    ),
    en(
        "sim-activation",
        "Number transfer stuck on 'in progress' for three days",
        "I ordered a SIM with my number from my old provider on Monday. The status has been "
        "*in progress* ever since. The new SIM works with a temporary number.",
        ("porting",),
        "It usually takes one working day. Check the customer number you filled in.",
        "Thanks for your patience. Your old provider rejected the request because the customer "
        "number didn't match their records. We've sent it again with the corrected number from "
        "your message; it'll be done tomorrow morning.",
        "Mine got stuck too when I used my account number instead of the customer number.",
        accepted=1,
        staff=1,
    ),
    en(
        "sim-activation",
        "Two eSIM profiles on one phone?",
        "I have two lines with you, private and business. Can I install both as eSIMs on the "
        "same phone, or do I need a physical SIM for one of them?",
        ("esim",),
        "Most phones can store several eSIMs but only use two at the same time.",
        "I think it depends on the phone model, check the manual.",
    ),
    en(
        "sim-activation",
        "Activation code from the welcome e-mail doesn't work",
        "The welcome e-mail has an activation code, but the website says it's invalid. I tried "
        "copying and typing it.",
        ("activation",),
        "The code is case sensitive, and people often mix up 0 and O. If that's not it, you "
        "can also activate with the SIM number printed on the card under *Activate SIM*.",
        accepted=0,
    ),
    en(
        "sim-activation",
        "Ordered a SIM a week ago and it still hasn't arrived",
        "I ordered a SIM eight days ago and it hasn't come yet. The order status says *sent*. "
        "Is there a tracking number somewhere?",
        ("delivery",),
        "Sorry about the wait. That SIM was sent as a letter and seems to have gone missing. "
        "We've sent a new one today by tracked post; the track-and-trace link is in your "
        "e-mail. The first SIM has been blocked.",
        "It came the next day, thanks.",
        accepted=0,
        staff=0,
    ),
    en(
        "sim-activation",
        "Using my SIM in a tablet",
        "Can I put a SIM in my iPad to use mobile data when I'm out? Do I need a special "
        "data-only SIM?",
        ("activation",),
        "Any of our SIMs works in a tablet. A data-only bundle is cheaper if you don't need "
        "minutes. Calls and texts just don't show on an iPad.",
        accepted=0,
    ),
    en(
        "sim-activation",
        "Turning off the SIM PIN on my phone",
        "Every time I restart my phone it asks for a SIM PIN. I never set one and just tried "
        "0000, which worked. Can I switch this off?",
        ("activation",),
        "Yes. Android: *Settings → Security → SIM card lock*, switch off *Lock SIM card*. "
        "iPhone: *Settings → Mobile Data → SIM PIN*. You need the current PIN (0000 by "
        "default) once. Keep in mind a thief can then use your SIM in another phone.",
        accepted=0,
    ),
    en(
        "sim-activation",
        "Transferring my eSIM between two iPhones fails",
        "I'm trying to move my eSIM to my new iPhone with Apple's *Transfer from nearby "
        "iPhone*. It gets to the end and then says the transfer failed. Both phones are "
        "updated.",
        ("esim",),
    ),
    # Block your SIM and protect your account
    en(
        "lost-stolen",
        "Phone stolen on the tram, how do I block my SIM?",
        "My phone was taken from my coat on tram 4 an hour ago. I'm on a friend's phone. How "
        "do I block my SIM so nobody can use my credit, and can I keep my number?",
        ("block-sim", "lost-phone"),
        "We've blocked your SIM now, so nobody can call or use data on it. Your number stays "
        "yours: order a replacement SIM under *Account → SIM → Replace SIM* (free after a "
        "theft) and it's active as soon as it arrives. If you report it to the police, send us "
        "the report number and we'll block the phone's IMEI too.",
        "Also use *Find my device* to lock it and wipe it remotely.",
        accepted=0,
        staff=0,
    ),
    en(
        "lost-stolen",
        "Lost my phone at a festival, can I keep my number?",
        "I lost my phone at a festival yesterday. It's probably gone. Can I get my number on a "
        "new SIM, and do I lose the credit I had?",
        ("lost-phone", "block-sim"),
        "Block the SIM in the app first, from any other phone.",
        "The SIM is blocked now. A replacement SIM keeps your number, your credit and your "
        "bundle: order it under *Account → SIM → Replace SIM*, or switch to an eSIM if your "
        "next phone has one and you're back online right away.",
        accepted=1,
        staff=1,
    ),
    en(
        "lost-stolen",
        "Someone changed the e-mail address on my account",
        "I got a message that the e-mail on my account was changed, and I didn't do it. I can "
        "still log in with my password. What should I do?",
        ("account-security",),
        "We've locked the account and put your old e-mail address back. Change your password "
        "now, and if you use it anywhere else, change it there too. Nobody ordered a SIM or "
        "moved your number.",
        accepted=0,
        staff=0,
    ),
    en(
        "lost-stolen",
        "Found my phone again, how do I unblock the SIM?",
        "I blocked my SIM yesterday when I couldn't find my phone. It turned up under the car "
        "seat. Can I use the same SIM again?",
        ("block-sim",),
        "Good news! Your SIM is unblocked; restart the phone and it connects within a few "
        "minutes. If you'd already ordered a replacement, just throw that one away.",
        accepted=0,
        staff=0,
    ),
    en(
        "lost-stolen",
        "Stolen phone: do I pay for the calls the thief made?",
        "My phone was stolen on Saturday and I only blocked the SIM on Sunday. There are calls "
        "to foreign numbers on my account from Saturday night.",
        ("block-sim", "account-security"),
        "You're not charged for calls made after the theft that you reported. We've removed "
        "the calls from Saturday night from your bill; you'll see the correction within a day.",
        "Tip for next time: you can block the SIM in the app from any phone, even at night.",
        accepted=0,
        staff=0,
    ),
    en(
        "lost-stolen",
        "Bag stolen at the station with my phone and SIM",
        "My bag with my phone in it was stolen at Amsterdam Centraal twenty minutes ago. I'm on "
        "my partner's phone. Please block my SIM, the number ends in 482.",
        ("block-sim", "lost-phone"),
    ),
    # Tell us what to build next
    en(
        "ideas",
        "Idea: let me set a monthly spending cap",
        "I'd like to set a maximum for everything outside my bundle, like €10 a month, so I "
        "never get a surprise bill again. My previous provider had this.",
        ("app",),
        "You can already: *Account → Spend controls → Monthly limit*. Anything that would go "
        "over it is blocked, and you get a text at 80%.",
        "Didn't know that existed, thanks.",
        accepted=0,
    ),
    en(
        "ideas",
        "Show remaining data as a home screen widget",
        "Opening the app every time to see how much data I have left is a hassle. A widget on "
        "the home screen would be great.",
        ("app",),
        "There is one since version 4.8: long-press your home screen, *Widgets*, and look for "
        "the app. It shows data, minutes and the renewal date.",
        accepted=0,
    ),
    en(
        "ideas",
        "Roll over unused minutes too, not only data",
        "Data rolls over to the next month but minutes don't. I never use all my minutes. "
        "Could they roll over too?",
        ("bundle",),
        "Thanks for the idea! We've passed it to the team that designs the bundles. No promise "
        "on timing, but the votes on this thread count.",
        "+1, I lose half my minutes every month.",
        "Or let me swap unused minutes for data.",
        staff=0,
    ),
    en(
        "ideas",
        "Dark mode for the app, please",
        "The app is very bright at night. Most of my other apps have a dark mode by now.",
        ("app",),
        "It follows your phone's setting since version 4.9: switch your phone to dark mode and "
        "the app goes dark too.",
        accepted=0,
    ),
    en(
        "ideas",
        "A family plan with shared data",
        "We have four SIMs in our household and some of us never use our data while my son "
        "runs out every month. Shared data for a family would be great.",
        ("bundle",),
        "Yes please, another provider I had did this.",
        "You can already gift data to another SIM in the app, but it's a bit of a hassle.",
    ),
    en(
        "ideas",
        "Let me pause my plan while I travel",
        "I'm away for three months every winter and pay for a bundle I don't use. Could I "
        "pause it and keep my number?",
        ("bundle", "roaming"),
        "On prepaid you can just turn auto-renew off, the number stays active for 6 months.",
        "That doesn't help if you're on a monthly plan though.",
    ),
    en(
        "ideas",
        "Warn me before my bundle runs out",
        "I'd like a message when I've used most of my data, before it's gone and I'm paying "
        "per MB. Last month I only noticed when the bill came.",
        ("app", "bundle"),
        "That's in the app: *Settings → Notifications → Usage alerts*. You can set it at 50%, "
        "80% and 100%, by text or push notification.",
        accepted=0,
    ),
    en(
        "ideas",
        "Pay for bundles with iDEAL in the app",
        "Topping up with iDEAL works on the website but in the app I can only pay by card. "
        "Please add iDEAL to the app as well.",
        ("payment", "app"),
    ),
    en(
        "ideas",
        "Let me pick my own number when I order a SIM",
        "When I ordered my SIM I got a random number that's hard to remember. Other providers "
        "let you choose from a list of free numbers. Could you add that to the order page?",
        ("app",),
    ),
    en(
        "ideas",
        "Switch roaming off for single countries",
        "I live near the Belgian border and my phone sometimes picks a Belgian network at home. "
        "That's free, but outside the EU I'd like data to stay off. A per-country switch "
        "would be perfect.",
        ("roaming", "app"),
    ),
)

DUTCH: tuple[Thread, ...] = (
    # Account & facturen
    nl(
        "account-billing",
        "Twee keer afgeschreven voor mijn bundel",
        "Op mijn bankafschrift staat de bundel deze maand twee keer, allebei op dezelfde dag. "
        "In de app zie ik maar één betaling. Hoe krijg ik de tweede terug?",
        ("bill", "refund"),
        "Kijk of een van de twee nog als *gereserveerd* in je bank-app staat. Dat is een "
        "controle van je pas en die verdwijnt binnen drie werkdagen vanzelf.",
        "Staan ze allebei echt afgeschreven? Ga dan naar *Account → Betalingen → Probleem "
        "melden* en kies de dubbele betaling. Bij mij stond het geld twee dagen later terug.",
        accepted=1,
    ),
    nl(
        "account-billing",
        "Opwaarderen met iDEAL lukt niet",
        "Als ik wil opwaarderen met iDEAL kom ik na het kiezen van mijn bank terug op een leeg "
        "scherm. Er wordt niks afgeschreven. Ik heb het twee keer geprobeerd.",
        ("top-up", "payment"),
        "Dat gebeurt als je bank-app op een ander toestel staat dan waar je opwaardeert. Open "
        "de link op je telefoon, of kies *QR-code scannen* als je op je laptop zit. Bij mij "
        "werkte het daarna meteen.",
        "Probeer een andere browser, Safari gaf bij mij ook problemen.",
        accepted=0,
    ),
    nl(
        "account-billing",
        "Automatische verlenging van mijn bundel uitzetten",
        "Ik ga drie maanden op reis en wil niet dat mijn bundel steeds verlengd wordt. Waar "
        "zet ik dat uit? Ik zie alleen een knop om een extra bundel te kopen.",
        ("bundle",),
        "Ga naar *Account → Bundels*, tik op je bundel en dan *Beheren → Automatisch verlengen "
        "uit*. Je bundel loopt gewoon door tot de einddatum en stopt dan.",
        accepted=0,
    ),
    nl(
        "account-billing",
        "Incasso mislukt, wat gebeurt er nu?",
        "Ik kreeg een mail dat de automatische incasso is gestorneerd omdat er te weinig op "
        "mijn rekening stond. Inmiddels staat er weer genoeg op. Wordt mijn nummer nu "
        "afgesloten?",
        ("direct-debit", "bill"),
        "Nee, de eerste 14 dagen wordt er niks geblokkeerd. Ze proberen het na een dag of vijf "
        "nog een keer, maar je kunt ook meteen betalen via *Account → Facturen → Nu betalen* "
        "met iDEAL.",
        accepted=0,
    ),
    nl(
        "account-billing",
        "Sms over een openstaande rekening: oplichting?",
        "Ik kreeg een sms dat ik een openstaande rekening van €49 heb en binnen 24 uur moet "
        "betalen via een link. Mijn rekeningen zijn volgens mij allemaal betaald. Is dit echt?",
        ("bill", "payment"),
        "Klinkt als phishing. Niet op klikken!",
        "Goed dat je het eerst vraagt. Dit bericht komt niet van ons: we sturen nooit een "
        "betaallink per sms en je hebt geen openstaande rekening. Stuur de sms door naar 7726 "
        "en verwijder hem. Heb je toch gegevens ingevuld? Bel dan meteen je bank.",
        accepted=1,
        staff=1,
    ),
    nl(
        "account-billing",
        "Kosten voor een betaaldienst die ik niet ken",
        "Op mijn factuur staan vier keer €2,50 van een nummer 4411 voor 'contentdienst'. Ik heb "
        "me nergens voor aangemeld. Hoe stop ik dit?",
        ("bill", "refund"),
        "Stuur STOP naar 4411, dan stopt het abonnement direct. Zet daarna *Account → "
        "Uitgavenlimiet → Betaaldiensten blokkeren* aan. Je geld terugvragen doe je bij de "
        "aanbieder van de dienst; het klachtenloket voor betaalde sms-diensten helpt daarbij.",
        "Dat komt vaak van een 'gratis' winactie waar je je nummer hebt ingevuld.",
        accepted=0,
    ),
    nl(
        "account-billing",
        "Mijn beltegoed is ineens verdwenen",
        "Ik had nog €8 beltegoed en nu staat er €0. Ik heb al maanden niet gebeld, ik gebruik "
        "vooral wifi. Waar is dat geld gebleven?",
        ("top-up",),
        "Beltegoed blijft 12 maanden geldig na je laatste opwaardering. Heb je langer dan een "
        "jaar niet opgewaardeerd, dan vervalt het. In *Account → Tegoedgeschiedenis* zie je "
        "precies wanneer.",
        "Staat er niet ook een bundel op die maandelijks van je tegoed wordt betaald?",
        accepted=1,
    ),
    nl(
        "account-billing",
        "Factuur op naam van mijn bedrijf",
        "Ik ben zzp'er en gebruik mijn telefoon voor mijn werk. Kan ik de facturen op naam van "
        "mijn bedrijf krijgen, met btw apart vermeld?",
        ("bill",),
        "Ja, vul je bedrijfsnaam in bij *Account → Gegevens → Naam op factuur*. Vanaf de "
        "volgende factuur staat die erop. De pdf's onder *Account → Facturen* hebben de btw al "
        "apart staan.",
        accepted=0,
    ),
    nl(
        "account-billing",
        "Halverwege de maand naar een kleinere bundel",
        "Ik heb een bundel van 20 GB maar gebruik maar 4 GB. Kan ik nu al overstappen naar een "
        "kleinere, of moet ik wachten tot het einde van de maand?",
        ("bundle",),
        "Omlaag gaat altijd per de volgende periode: je kiest nu de nieuwe bundel en die gaat "
        "in op je verlengdatum. Omhoog kan wel meteen.",
        accepted=0,
    ),
    nl(
        "account-billing",
        "Betaalpas verlopen, waar pas ik dat aan?",
        "Mijn bank heeft me een nieuwe pas gestuurd en de oude verloopt deze maand. Waar "
        "verander ik de kaart waarmee mijn abonnement wordt betaald?",
        ("payment",),
        "Bij een nieuwe betaalpas verandert je IBAN niet, dus bij een incasso hoef je niks te "
        "doen. Betaal je met een creditcard, dan vervang je die via *Account → Betalingen → "
        "Betaalmethode*.",
        accepted=0,
    ),
    nl(
        "account-billing",
        "Terugbetaling na opzeggen nog niet ontvangen",
        "Ik heb vorige maand mijn abonnement opgezegd en er zou nog €17 terugkomen. Ik heb nog "
        "niks ontvangen en in de app kan ik niet meer inloggen.",
        ("refund",),
        "Het kan tot 30 dagen duren, dat staat in de voorwaarden.",
        "Dank voor je geduld. De terugbetaling bleef hangen omdat je IBAN in je account niet "
        "meer klopte. We hebben het bedrag vandaag overgemaakt naar het rekeningnummer uit je "
        "bericht; het staat binnen twee werkdagen op je rekening.",
        accepted=1,
        staff=1,
    ),
    nl(
        "account-billing",
        "Waarom is mijn bundel duurder geworden?",
        "Mijn bundel was altijd €15 en nu ineens €15,75. Ik heb hier geen bericht over gehad, "
        "of ik heb het gemist. Mag dat zomaar?",
        ("bundle",),
        "Dat is de jaarlijkse prijsaanpassing, daar kreeg iedereen een mail over.",
        "Check je spammap, die mail zat bij mij daar.",
    ),
    nl(
        "account-billing",
        "Simkaart van mijn zoon onder mijn account",
        "Mijn zoon heeft een eigen simkaart. Kan ik die onder mijn account hangen, zodat ik "
        "zijn verbruik zie en alles van één rekening gaat?",
        ("payment",),
        "Je kunt in ieder geval voor hem opwaarderen vanuit je eigen app.",
        "Volgens mij kan het niet, maar een medewerker weet het zeker.",
    ),
    nl(
        "account-billing",
        "Beltegoed overzetten naar een andere simkaart",
        "Ik heb een oude simkaart met nog €12 tegoed die ik niet meer gebruik. Kan ik dat "
        "tegoed overzetten naar de simkaart van mijn moeder?",
        ("top-up",),
        "Overzetten kan helaas niet, tegoed hoort bij het nummer. Wat wel kan: met je huidige "
        "sim voor je moeder opwaarderen via *Opwaarderen → Voor iemand anders*. Het oude "
        "tegoed kun je nog opmaken aan bellen en sms'en tot het vervalt.",
        accepted=0,
    ),
    nl(
        "account-billing",
        "Opwaardeerkaart uit de supermarkt werkt niet",
        "Ik heb bij de supermarkt een opwaardeerkaart van €10 gekocht. Bij het invoeren van de "
        "code in de app krijg ik *Code onbekend*. De kassabon heb ik nog.",
        ("top-up",),
    ),
    # Netwerk & bereik
    nl(
        "network-coverage",
        "Mobiel internet werkt niet meer sinds vanochtend",
        "Mijn telefoon geeft 4G aan met volle streepjes, maar er laadt niks. Via wifi werkt "
        "alles. Ik heb hem al twee keer opnieuw opgestart.",
        ("data",),
        "Kijk bij *Instellingen → Mobiel netwerk → Toegangspunten (APN)*. Daar moet `internet` "
        "staan, zonder gebruikersnaam of wachtwoord. Na een update is die soms weg. Toevoegen, "
        "selecteren en opnieuw opstarten.",
        accepted=0,
    ),
    nl(
        "network-coverage",
        "Bellen in Duitsland, kost dat extra?",
        "Ik ga een week naar het Sauerland. Kan ik daar gewoon bellen en internetten met mijn "
        "bundel, of moet ik iets extra's kopen?",
        ("roaming", "calls"),
        "Duitsland zit in de EU, dus je gebruikt je bundel gewoon zoals thuis. Bellen naar "
        "Nederland en naar Duitse nummers gaat van je minuten af, zonder extra kosten.",
        accepted=0,
    ),
    nl(
        "network-coverage",
        "Binnen slecht bereik, buiten prima",
        "Sinds we verhuisd zijn heb ik binnen bijna geen bereik, buiten voor de deur wel. "
        "Gesprekken vallen steeds weg in de woonkamer.",
        ("coverage", "wifi-calling"),
        "Zet bellen via wifi aan: *Instellingen → Mobiel netwerk → Bellen via wifi* (iPhone: "
        "*Instellingen → Telefoon → Bellen via wifi*). Dan lopen je gesprekken via je "
        "thuisnetwerk en heb je nergens last van. Het kost niks extra.",
        "Nieuwbouw met HR++-glas houdt veel signaal tegen, dat is bij ons ook zo.",
        accepted=0,
    ),
    nl(
        "network-coverage",
        "5G staat aan maar ik zie alleen 4G",
        "Volgens de dekkingskaart is er 5G bij mij in de straat. Mijn telefoon kan 5G, maar ik "
        "zie altijd 4G staan.",
        ("5g",),
        "Kijk bij *Instellingen → Mobiel netwerk → Voorkeursnetwerktype* of 5G er echt bij "
        "staat, dat staat op sommige toestellen standaard uit. Daarna opnieuw opstarten.",
        "Check ook even of je bundel geen oude 4G-bundel is, die had ik nog.",
        accepted=0,
    ),
    nl(
        "network-coverage",
        "Gesprekken vallen weg in de trein",
        "Tussen Leiden en Den Haag valt bijna elk gesprek weg. Collega's met een andere "
        "provider hebben dat minder. Kan ik er zelf iets aan doen?",
        ("calls", "coverage"),
        "Treinen houden veel signaal tegen, dat heeft iedereen.",
        "Probeer bellen via de wifi van de trein, soms gaat dat beter.",
    ),
    nl(
        "network-coverage",
        "Data in Turkije: hoe duur is dat?",
        "Ik ga op vakantie naar Turkije. Werkt mijn bundel daar, en zo niet, wat kost "
        "internetten dan?",
        ("roaming", "data"),
        "Turkije valt buiten de EU-regeling, dus je bundel werkt daar niet. Neem de "
        "*Wereld*-bundel in de app (1 GB voor een week); zonder bundel staat data daar "
        "standaard uit om hoge kosten te voorkomen.",
        accepted=0,
    ),
    nl(
        "network-coverage",
        "Geen sms van DigiD ontvangen",
        "Ik probeer in te loggen bij DigiD maar de sms-code komt niet aan. Gewone sms'jes van "
        "vrienden komen wel binnen.",
        ("calls",),
        "Staat *Korte nummers blokkeren* aan bij *Account → Uitgavenlimiet*? Dan komen "
        "sms'jes van diensten zoals DigiD ook niet door. Uitzetten en de code opnieuw "
        "aanvragen.",
        accepted=0,
    ),
    nl(
        "network-coverage",
        "Storing in Rotterdam-Zuid?",
        "Sinds gisteravond heb ik in Rotterdam-Zuid helemaal geen bereik. De buren hebben "
        "hetzelfde. Is er een storing?",
        ("outage",),
        "Klopt, er was een storing aan een zendmast in Charlois. Die is vanochtend om 10.00 uur "
        "opgelost. Heb je nog steeds geen bereik, zet je telefoon dan even uit en aan.",
        "Bij mij doet hij het weer, dank!",
        accepted=0,
        staff=0,
    ),
    nl(
        "network-coverage",
        "Bellen via wifi valt steeds weg",
        "Ik bel thuis via wifi, maar na een paar minuten valt het gesprek weg. Mijn internet "
        "zelf is snel en stabiel.",
        ("wifi-calling",),
        "Zet *SIP ALG* uit in je modem/router, dat verstoort bellen via wifi vaak. Het staat "
        "meestal onder *Geavanceerd → NAT*. Daarna de router herstarten.",
        "Bij mij hielp het om de telefoon op de 5 GHz-wifi te zetten.",
        accepted=0,
    ),
    nl(
        "network-coverage",
        "Internet traag op de camping in Frankrijk",
        "Op onze camping in de Dordogne heb ik wel bereik, maar internet is superlangzaam. Mijn "
        "bundel is nog lang niet op.",
        ("roaming", "data"),
        "Kies handmatig een ander netwerk: *Instellingen → Mobiel netwerk → Netwerkoperators*, "
        "automatisch uit en probeer Orange of SFR. Op het platteland is het ene netwerk vaak "
        "veel beter dan het andere.",
        accepted=0,
    ),
    nl(
        "network-coverage",
        "Onverwachte kosten na een weekend Zwitserland",
        "Ik was een weekend in Zwitserland en heb nu €31 aan kosten voor data. Ik dacht dat "
        "Europa gewoon in mijn bundel zat.",
        ("roaming",),
        "Zwitserland hoort niet bij de EU, dus daar geldt je bundel niet.",
        "We hebben je verbruik bekeken. De kosten kloppen, maar omdat je de melding over "
        "Zwitserland pas achteraf kreeg, hebben we ze eenmalig teruggestort. Zet voortaan "
        "*Data buiten de EU* uit in de app, dan kan dit niet meer gebeuren.",
        accepted=1,
        staff=1,
    ),
    nl(
        "network-coverage",
        "Hotspot gebruiken in het buitenland",
        "Ik wil in Italië mijn laptop via mijn telefoon laten internetten. Mag dat, of is "
        "tethering in het buitenland geblokkeerd?",
        ("roaming", "data"),
        "Dat mag gewoon, het gaat van je bundel af net als thuis. Let wel op: een laptop "
        "gebruikt veel meer data, dus zet updates even op pauze.",
        accepted=0,
    ),
    nl(
        "network-coverage",
        "Bellen naar familie in Marokko",
        "Ik bel elke week met mijn familie in Marokko en die minuten lijken niet van mijn "
        "bundel af te gaan. Op mijn factuur staan ze apart. Klopt dat?",
        ("calls",),
        "Ja, je bundel geldt voor bellen naar Nederlandse en EU-nummers. Bellen naar Marokko "
        "wordt per minuut gerekend. Met de bundel *Bellen naar het buitenland* (100 minuten "
        "voor €5) is het een stuk goedkoper; die zet je aan onder *Account → Bundels*.",
        "Via wifi met WhatsApp bellen is natuurlijk gratis.",
        accepted=0,
    ),
    nl(
        "network-coverage",
        "Geen bereik in de kelder van ons nieuwe huis",
        "In onze kelder, waar mijn thuiskantoor zit, heb ik helemaal geen bereik. Op de begane "
        "grond wel. Heeft iemand een oplossing die niet via wifi gaat?",
        ("coverage",),
    ),
    nl(
        "network-coverage",
        "Geen verbinding na de landing op Schiphol",
        "Na een vlucht uit Lissabon had mijn telefoon na de landing geen bereik, ook niet na "
        "een kwartier. Vliegtuigmodus staat uit.",
        ("roaming",),
        "Je telefoon zoekt soms nog naar het Portugese netwerk. Zet hem helemaal uit en aan, of "
        "kies bij *Netwerkoperators* even handmatig ons netwerk en daarna weer automatisch.",
        accepted=0,
    ),
    # Telefoons & apparaten
    nl(
        "phones-devices",
        "Voicemail helemaal uitzetten",
        "Ik wil geen voicemail meer, mensen moeten me maar appen. Hoe zet ik hem uit?",
        ("voicemail",),
        "Bel `##002#`, dan zijn alle doorschakelingen naar je voicemail uit. Wil je hem later "
        "terug, bel dan `**61*1233#`.",
        accepted=0,
    ),
    nl(
        "phones-devices",
        "Visuele voicemail op mijn iPhone werkt niet",
        "In de Telefoon-app staat bij Voicemail alleen *Bel voicemail*, geen lijst met "
        "berichten. Op mijn vorige iPhone werkte dat wel.",
        ("voicemail", "settings"),
        "Visuele voicemail zet je aan in de app: *Instellingen → Voicemail → Visuele "
        "voicemail*. Daarna de iPhone herstarten; de eerste keer heeft hij mobiele data nodig.",
        accepted=0,
    ),
    nl(
        "phones-devices",
        "MMS versturen lukt niet op mijn Samsung",
        "Foto's versturen via sms mislukt steeds. Gewone sms en internet werken wel. Welke "
        "instellingen heb ik nodig?",
        ("apn", "sms"),
        "Maak een tweede APN aan bij *Toegangspunten*: APN `mms`, MMSC "
        "`http://mms.example.net`, proxy `10.0.0.10`, poort `8080`, APN-type `mms`. De APN "
        "`internet` laat je staan.",
        accepted=0,
    ),
    nl(
        "phones-devices",
        "Contacten staan nog op mijn oude simkaart",
        "Ik heb een nieuwe telefoon en een nieuwe simkaart, maar mijn contacten stonden op de "
        "oude simkaart. Hoe krijg ik ze over?",
        ("settings",),
        "Stop de oude sim nog even in je nieuwe telefoon (hij hoeft niet actief te zijn) en ga "
        "naar *Contacten → Beheren → Importeren van simkaart*. Sla ze op in je Google- of "
        "iCloud-account, dan ben je ze nooit meer kwijt.",
        accepted=0,
    ),
    nl(
        "phones-devices",
        "Hotspot werkt niet met mijn laptop",
        "Mijn laptop ziet de hotspot van mijn telefoon en maakt verbinding, maar krijgt geen "
        "internet. Op de telefoon zelf werkt internet prima.",
        ("hotspot", "apn"),
        "Zet bij de APN `internet` het APN-type op `default,dun` (met *dun* erbij). Zonder "
        "dat deelt de telefoon geen data. Opslaan en de hotspot opnieuw aanzetten.",
        "Soms helpt het ook om de hotspot op 2,4 GHz te zetten.",
        accepted=0,
    ),
    nl(
        "phones-devices",
        "App blijft hangen bij het inloggen",
        "Na het invullen van mijn wachtwoord blijft de app op het laadscherm staan. Opnieuw "
        "installeren helpt niet. Ik heb een Huawei P30.",
        ("app",),
        "Welke versie van de app heb je? Bij mij hielp de nieuwste versie.",
        "Misschien werkt het via de website wel, dan kun je in ieder geval verder.",
    ),
    nl(
        "phones-devices",
        "Doorschakelen naar mijn vaste nummer",
        "Als ik thuis ben wil ik dat mijn mobiel doorschakelt naar de vaste lijn. Hoe stel ik "
        "dat in?",
        ("settings",),
        "Bel `**21*0101234567#` (met je vaste nummer) om alles door te schakelen en `##21#` om "
        "te stoppen. Doorgeschakelde gesprekken tellen als gewone belminuten.",
        accepted=0,
    ),
    nl(
        "phones-devices",
        "Batterij loopt snel leeg sinds de laatste update",
        "Sinds de update van vorige week is mijn batterij 's middags al leeg. Het lijkt alsof "
        "de telefoon steeds naar bereik zoekt.",
        ("settings",),
        "Kijk bij *Batterij* welke app het meeste verbruikt.",
        "Na een grote update is de batterij vaak een paar dagen slechter, dat trekt bij.",
    ),
    nl(
        "phones-devices",
        "Bellen via wifi aanzetten op een Fairphone",
        "Ik heb een Fairphone 5 en kan de optie voor bellen via wifi niet vinden. Ondersteunt "
        "mijn telefoon dat wel?",
        ("settings",),
        "Ja, sinds de update van dit voorjaar. Het staat onder *Instellingen → Netwerk en "
        "internet → Simkaarten → Bellen via wifi*. Zie je het niet, installeer dan eerst alle "
        "updates.",
        accepted=0,
    ),
    nl(
        "phones-devices",
        "Telefoon belt niet via 4G",
        "Tijdens het bellen valt mijn telefoon terug naar 3G en mobiel internet stopt dan. Bij "
        "anderen blijft 4G aan tijdens een gesprek.",
        ("volte",),
        "Bellen via 4G (VoLTE) stond voor jouw toestel nog niet aan bij ons. Dat hebben we nu "
        "aangezet. Herstart je telefoon en zet *4G-bellen* aan bij *Mobiel netwerk*.",
        "Werkt nu, internet blijft aan tijdens het bellen.",
        accepted=0,
        staff=0,
    ),
    nl(
        "phones-devices",
        "Eigen voicemailbegroeting inspreken",
        "Bellers horen nu een computerstem die mijn nummer opleest. Ik wil graag zelf een "
        "begroeting inspreken. Hoe doe ik dat?",
        ("voicemail",),
        "Bel 1233, kies 3 voor *Begroetingen* en daarna 1 om een persoonlijke begroeting op "
        "te nemen. Je hebt maximaal 60 seconden; met # sla je hem op.",
        accepted=0,
    ),
    nl(
        "phones-devices",
        "Meldingen van de app komen niet binnen",
        "Ik heb meldingen voor verbruik aangezet in de app, maar krijg nooit iets, ook niet "
        "toen mijn bundel op was. Meldingen staan aan in de telefooninstellingen.",
        ("app",),
    ),
    # Simkaart & activeren
    nl(
        "sim-activation",
        "Mijn nummer meenemen van een andere provider",
        "Ik wil overstappen en mijn 06-nummer houden. Moet ik zelf mijn oude abonnement "
        "opzeggen? En hoe lang zit ik zonder telefoon?",
        ("porting",),
        "Nee, niet zelf opzeggen. Kies bij je bestelling *Nummer meenemen* en vul je huidige "
        "nummer en je klantnummer bij de oude provider in. Wij regelen de overstap en je oude "
        "abonnement stopt op de dag dat je nummer overgaat. Je zit hooguit een paar uur zonder "
        "bereik.",
        accepted=0,
    ),
    nl(
        "sim-activation",
        "Simkaart wordt niet herkend na het wisselen",
        "Ik heb mijn simkaart in mijn nieuwe telefoon gestopt en die zegt *Geen simkaart*. In "
        "mijn oude telefoon doet hij het wel.",
        ("activation",),
        "Zit de sim in het juiste slot? Bij veel telefoons is het eerste slot voor de sim en het "
        "tweede voor een geheugenkaart. Anders is de sim misschien te oud voor je nieuwe "
        "toestel: een nieuwe sim aanvragen is gratis via *Account → Simkaart*.",
        accepted=0,
    ),
    nl(
        "sim-activation",
        "Overstappen op een eSIM",
        "Mijn nieuwe telefoon heeft eSIM. Kan ik mijn gewone simkaart omzetten, en blijven mijn "
        "nummer en tegoed dan hetzelfde?",
        ("esim",),
        "Ja. Ga naar *Account → Simkaart → Omzetten naar eSIM* en scan de QR-code met je nieuwe "
        "telefoon. Nummer, tegoed en bundel blijven gewoon staan; de oude sim stopt zodra de "
        "eSIM is geïnstalleerd.",
        accepted=0,
    ),
    nl(
        "sim-activation",
        "PUK-code kwijt",
        "Ik heb drie keer een verkeerde pincode ingetoetst en nu vraagt mijn telefoon om de "
        "PUK-code. Het kaartje van de sim heb ik niet meer.",
        ("puk",),
        "Log in op de website (de app werkt niet zonder sim) en ga naar *Account → Simkaart → "
        "Pincode en PUK*. Let op: na tien keer een verkeerde PUK is je sim definitief "
        "geblokkeerd.",
        accepted=0,
    ),
    nl(
        "sim-activation",
        "Nieuwe simkaart nog steeds niet actief",
        "Ik heb gisteravond mijn nieuwe simkaart geactiveerd en de bevestiging gekregen, maar "
        "mijn telefoon zegt nog steeds *Geen service*. Opnieuw opstarten hielp niet.",
        ("activation",),
        "Activeren duurt meestal een paar minuten, maar soms tot vier uur. Is het na een nacht "
        "nog niks, kijk dan of het simnummer in je account hetzelfde is als het nummer op de "
        "kaart.",
        "Bij mij hielp het om de telefoon helemaal uit te zetten en de sim opnieuw te plaatsen.",
        accepted=0,
    ),
    nl(
        "sim-activation",
        "Nummerbehoud duurt al een week",
        "Ik heb vorige week een sim met nummerbehoud besteld. In de app staat nog steeds *In "
        "behandeling*. Mijn oude abonnement loopt gewoon door.",
        ("porting",),
        "Normaal duurt het één werkdag, dus er is iets misgegaan. Vraag het even na bij een "
        "medewerker.",
        "Sorry voor het wachten. Je oude provider weigerde de overstap omdat het klantnummer "
        "niet klopte. We hebben het verzoek opnieuw ingediend met het goede klantnummer; je "
        "nummer gaat morgenochtend over.",
        accepted=1,
        staff=1,
    ),
    nl(
        "sim-activation",
        "Simkaart in de verkeerde maat ontvangen",
        "Ik heb een simkaart gekregen maar hij lijkt te groot voor mijn telefoon. Moet ik een "
        "andere bestellen?",
        ("delivery",),
        "Het is een 3-in-1-kaart: je drukt de maat eruit die je nodig hebt. Voor bijna alle "
        "telefoons is dat de kleinste, de nano-sim.",
        accepted=0,
    ),
    nl(
        "sim-activation",
        "eSIM op een Apple Watch",
        "Kan ik mijn nummer ook op mijn Apple Watch gebruiken met een eSIM, zodat ik zonder "
        "telefoon kan hardlopen en bereikbaar ben? Mijn horloge is de versie met 4G.",
        ("esim",),
        "Ik dacht dat dit nog niet kon bij deze provider.",
        "Bij mijn vorige provider kostte dat een paar euro per maand extra.",
    ),
    nl(
        "sim-activation",
        "Welkomstmail met activatiecode niet ontvangen",
        "Mijn simkaart is gisteren bezorgd, maar de mail met de activatiecode heb ik nooit "
        "gekregen. Ook niet in mijn spammap.",
        ("activation",),
        "Het e-mailadres in je bestelling had een typfout. We hebben het aangepast en de "
        "welkomstmail opnieuw verstuurd; je kunt ook meteen activeren met het simnummer op de "
        "kaart via *Simkaart activeren*.",
        "Binnen, en hij doet het. Top!",
        accepted=0,
        staff=0,
    ),
    nl(
        "sim-activation",
        "Prepaid simkaart op mijn naam registreren",
        "Ik heb een prepaid simkaart uit de supermarkt. Moet ik die registreren, en hoe doe ik "
        "dat?",
        ("activation",),
        "Het hoeft niet, maar het is wel handig: dan kun je bij verlies je nummer houden. Maak "
        "een account aan en koppel de sim via *Account → Simkaart toevoegen* met het nummer op "
        "de kaart.",
        accepted=0,
    ),
    nl(
        "sim-activation",
        "eSIM verdwenen na een fabrieksreset",
        "Ik heb mijn telefoon teruggezet naar fabrieksinstellingen en nu is mijn eSIM weg. Ik "
        "heb geen bereik meer. Hoe krijg ik hem terug?",
        ("esim",),
    ),
    # Telefoon kwijt of gestolen
    nl(
        "lost-stolen",
        "Telefoon gestolen in de trein, wat nu?",
        "Mijn telefoon is net uit mijn jaszak gestolen in de trein naar Utrecht. Ik bel nu via "
        "een medereiziger. Hoe blokkeer ik mijn sim en houd ik mijn nummer?",
        ("block-sim", "lost-phone"),
        "We hebben je simkaart geblokkeerd, niemand kan er nu mee bellen of internetten. Je "
        "nummer blijft van jou: bestel een vervangende sim via *Account → Simkaart → "
        "Vervangen* (gratis bij diefstal). Doe aangifte en stuur ons het nummer van de "
        "aangifte, dan blokkeren we ook het IMEI-nummer van je telefoon.",
        "Vergeet niet je telefoon op afstand te wissen via *Mijn apparaat zoeken*.",
        accepted=0,
        staff=0,
    ),
    nl(
        "lost-stolen",
        "Telefoon kwijt op vakantie in Spanje",
        "Ik ben mijn telefoon kwijtgeraakt op het strand in Málaga. Ik ben hier nog een week. "
        "Kan ik mijn nummer blokkeren en straks thuis gewoon verder?",
        ("lost-phone", "block-sim"),
        "Blokkeer hem via de app op de telefoon van iemand anders, dat kan altijd.",
        "Je simkaart is geblokkeerd. Als je thuis bent, bestel je een nieuwe sim met hetzelfde "
        "nummer, tegoed en bundel. Heb je straks een telefoon met eSIM, dan kun je je nummer "
        "ook nu al op een eSIM zetten en ben je meteen weer bereikbaar.",
        accepted=1,
        staff=1,
    ),
    nl(
        "lost-stolen",
        "Simkaart blokkeren via de app lukt niet",
        "Mijn telefoon is kwijt en ik probeer via de app op de telefoon van mijn vriendin mijn "
        "sim te blokkeren, maar ik krijg een foutmelding. Er staat alleen 'Er ging iets mis'.",
        ("block-sim",),
        "We hebben je simkaart voor je geblokkeerd. De fout kwam doordat je in de app nog op "
        "het account van je vriendin was ingelogd. Een vervangende sim bestel je via *Account "
        "→ Simkaart → Vervangen*.",
        accepted=0,
        staff=0,
    ),
    nl(
        "lost-stolen",
        "Iemand heeft mijn nummer op een andere simkaart gezet",
        "Mijn telefoon heeft sinds een uur geen bereik en ik kreeg een mail dat er een nieuwe "
        "eSIM is aangevraagd. Dat heb ik niet gedaan! Mijn bankapp stuurt codes naar dit "
        "nummer.",
        ("account-security", "block-sim"),
        "Je hebt er goed aan gedaan meteen te melden. We hebben de nieuwe eSIM ingetrokken, je "
        "oude simkaart weer geactiveerd en je account vergrendeld. Wijzig je wachtwoord en "
        "bel je bank: het kan zijn dat iemand probeerde bij je bankrekening te komen.",
        accepted=0,
        staff=0,
    ),
    nl(
        "lost-stolen",
        "Telefoon teruggevonden, blokkade opheffen",
        "Ik had mijn sim geblokkeerd omdat ik mijn telefoon kwijt was, maar hij lag gewoon bij "
        "mijn schoonouders. Kan ik dezelfde simkaart weer gebruiken?",
        ("block-sim",),
        "Fijn dat hij terecht is! De blokkade is opgeheven; herstart je telefoon en binnen een "
        "paar minuten heb je weer bereik.",
        accepted=0,
        staff=0,
    ),
    nl(
        "lost-stolen",
        "Account gehackt, mijn wachtwoord werkt niet meer",
        "Ik kan niet meer inloggen en kreeg een mail dat mijn wachtwoord is gewijzigd. Dat heb "
        "ik niet gedaan. Er staat een creditcard in mijn account.",
        ("account-security",),
        "We hebben je account vergrendeld en alle sessies uitgelogd. Je krijgt zo een mail om "
        "een nieuw wachtwoord in te stellen. Er is niets besteld of gewijzigd aan je "
        "simkaart; je creditcard hebben we voor de zekerheid uit je account gehaald.",
        accepted=0,
        staff=0,
    ),
    # Ideeën
    nl(
        "ideas",
        "Idee: tegoed delen met familie",
        "In ons gezin heeft iedereen een eigen simkaart. Het zou handig zijn als we één pot "
        "tegoed kunnen delen in plaats van vier keer opwaarderen.",
        ("bundle", "payment"),
        "Goed idee, ik zou dat ook gebruiken.",
        "Je kunt nu al voor elkaar opwaarderen, maar een gedeelde pot zou mooier zijn.",
    ),
    nl(
        "ideas",
        "Maximum instellen voor extra kosten",
        "Ik wil een grens kunnen instellen voor alles buiten mijn bundel, zodat ik nooit meer "
        "schrik van de rekening. Bij mijn vorige provider kon dat ook.",
        ("app",),
        "Dat kan al: *Account → Uitgavenlimiet → Maandlimiet*. Alles daarboven wordt "
        "geblokkeerd, en bij 80% krijg je een sms.",
        accepted=0,
    ),
    nl(
        "ideas",
        "Dagbundel voor data buiten Europa",
        "Ik reis veel voor mijn werk buiten de EU, vaak maar een of twee dagen. Een "
        "wereldbundel van een week is dan zonde. Kan er een dagbundel komen?",
        ("roaming", "bundle"),
        "Dank voor je idee! We hebben het doorgegeven aan het team dat de bundels maakt. Hoe "
        "meer stemmen op dit topic, hoe beter.",
        "Ja graag, voor een dag Londen is een week echt te veel.",
        staff=0,
    ),
    nl(
        "ideas",
        "Widget met mijn resterende data",
        "Het zou fijn zijn om op mijn beginscherm te zien hoeveel data ik nog heb, zonder de "
        "app te openen. Nu moet ik elke keer inloggen.",
        ("app",),
        "Bestaat al sinds versie 4.8: houd je beginscherm ingedrukt, kies *Widgets* en zoek de "
        "app. Je ziet data, minuten en je verlengdatum.",
        accepted=0,
    ),
    nl(
        "ideas",
        "Facturen automatisch naar mijn boekhoudprogramma",
        "Als zzp'er download ik elke maand de factuur en zet ik hem in mijn boekhouding. Een "
        "koppeling met bijvoorbeeld Moneybird of e-Boekhouden zou veel tijd schelen.",
        ("payment",),
        "Je kunt de facturen in ieder geval automatisch laten mailen, dat scheelt al.",
        "+1, dat zou ik ook gebruiken.",
    ),
    nl(
        "ideas",
        "Melding als mijn data bijna op is",
        "Ik wil een berichtje krijgen voordat mijn data op is, niet pas als ik al per MB "
        "betaal. Vorige maand was ik zo ineens €6 kwijt.",
        ("app", "bundle"),
        "Staat in de app: *Instellingen → Meldingen → Verbruiksmeldingen*. Je kiest 50%, 80% "
        "en 100%, per sms of pushbericht.",
        accepted=0,
    ),
    nl(
        "ideas",
        "Ongebruikte minuten omzetten in data",
        "Ik bel bijna nooit en houd elke maand honderden minuten over. Kunnen die niet omgezet "
        "worden in extra data?",
        ("bundle",),
        "Goed idee. Tot die tijd: er zijn ook bundels met minder minuten en meer data.",
        "Zou ik ook fijn vinden.",
    ),
    nl(
        "ideas",
        "eSIM activeren in de app zonder QR-code",
        "Om een eSIM te activeren moet ik nu een QR-code scannen die op mijn laptop staat. Kan "
        "dat niet gewoon direct in de app op de telefoon zelf?",
        ("app",),
        "Kan al sinds kort: in de app onder *Simkaart → eSIM op deze telefoon installeren*. "
        "Dan heb je geen QR-code meer nodig.",
        accepted=0,
    ),
    nl(
        "ideas",
        "Een bundel cadeau geven aan iemand anders",
        "Mijn oma belt veel met mij en ik zou haar graag een bundel cadeau doen. Nu kan ik "
        "alleen tegoed voor haar opwaarderen. Kan er een optie komen om een bundel te geven?",
        ("bundle", "payment"),
    ),
    nl(
        "ideas",
        "Dataverbruik per app laten zien",
        "In de app zie ik alleen hoeveel data ik in totaal heb verbruikt. Ik zou graag zien "
        "welke apps het meeste gebruiken, zoals mijn telefoon dat ook doet. Dan weet ik waar "
        "mijn bundel heen gaat.",
        ("app", "bundle"),
    ),
)

THREADS: tuple[Thread, ...] = ENGLISH + DUTCH
