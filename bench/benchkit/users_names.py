"""Given names, family names and email domains the synthetic users are made of.

Names are drawn uniformly; domains with the weights below, so that a few webmail providers hold
most addresses (as in a real consumer tenant) and company domains hold few.
"""

from __future__ import annotations

_GIVEN = """
    Aaron Abigail Adam Adrian Agnes Ahmed Aiden Aisha Alan Alba Albert Alejandro Alexander
    Alexandra Alice Alina Amelia Amir Ana Andrea Andrew Angela Anna Anne Anton Antonio Arjun
    Astrid Ava Barbara Beatriz Ben Benjamin Bernard Bianca Boris Brandon Brian Bruno Camila
    Carl Carla Carlos Carmen Caroline Catherine Charles Charlotte Chen Chloe Chris Christian
    Claire Clara Daniel Daniela David Deborah Diana Diego Dmitri Dominik Dorothy Edward Elena
    Eli Elias Elif Elizabeth Ella Emil Emily Emma Eric Erik Esther Ethan Eva Fatima Felix
    Fernando Finn Florian Francesca Francisco Frank Gabriel Gabriela George Georgia Gerald
    Giulia Grace Greta Hana Hannah Harper Harry Hassan Helen Henry Hiroshi Hugo Ian Ibrahim
    Ingrid Irene Isaac Isabel Isabella Ivan Jack Jacob Jakub James Jan Jana Jane Janet Janice
    Jasmine Javier Jean Jennifer Jessica Joan Joao Johan John Jonas Jorge Jose Joseph Joshua
    Juan Julia Julian Justin Kai Karen Karim Karl Kate Katarina Kenji Kevin Kim Klara Laura
    Lars Leah Lena Leo Leon Liam Lily Linda Lisa Liu Lorenzo Louis Lucas Lucia Luis Luka Maja
    Marco Margaret Maria Mariam Marie Mark Marta Martin Mary Mateo Matteo Matthew Max Maya
    Mehmet Mia Michael Michelle Miguel Mila Mohammed Nadia Naomi Nathan Nicolas Nina Noah Nora
    Olga Oliver Olivia Omar Oscar Pablo Patricia Paul Paula Pedro Peter Petra Philip Pierre
    Priya Rachel Rafael Rahul Rebecca Ricardo Richard Robert Rosa Ruth Ryan Sakura Samuel Sara
    Sarah Sebastian Sergei Simon Sofia Sophie Stefan Stephen Susan Sven Tariq Teresa Thomas
    Tim Tobias Tom Valentina Vera Victor Victoria Vincent Wei William Xavier Yara Yuki Yusuf
    Zara Zoe
"""

_FAMILY = """
    Abbott Adams Ahmed Alvarez Andersen Anderson Bailey Baker Barnes Bauer Becker Bell Bennett
    Berg Bianchi Black Blanco Brooks Brown Bruno Butler Campbell Carter Castillo Chen Clark
    Cohen Collins Colombo Cook Cooper Costa Cox Cruz Davies Davis Dubois Duncan Edwards
    Ellis Evans Fernandez Ferrari Fischer Fisher Flores Foster Fox Garcia Gomez Gonzalez Gordon
    Graham Gray Green Gruber Gupta Hall Hansen Harris Hayes Henderson Hernandez Hill Hoffmann
    Holm Howard Hughes Hunt Ito Ivanov Jackson James Jensen Jimenez Johansson Johnson Jones
    Kaiser Kaur Keller Kelly Kennedy Khan Kim King Klein Koch Kowalski Kruger Kumar Lambert
    Larsen Laurent Lee Lefebvre Lewis Li Lindberg Lopez Lucas Marino Marshall Martin Martinez
    Mason Meyer Miller Mitchell Moore Morales Moreau Morgan Morris Muller Murphy Murray Nakamura
    Navarro Nelson Nguyen Nielsen Novak Olsen Ortiz Owen Park Parker Patel Perez Perry Peters
    Petrov Phillips Popescu Powell Price Ramirez Ramos Reed Reyes Richardson Richter Rivera
    Roberts Robinson Rodriguez Rogers Romero Ross Rossi Russell Ryan Sanchez Sanders Santos
    Sato Schmidt Schneider Schulz Scott Shah Shaw Silva Simmons Singh Smith Sorensen Stewart
    Stone Sullivan Suzuki Tanaka Taylor Thomas Thompson Torres Turner Vargas Vogel Wagner
    Walker Wallace Wang Ward Watson Weber Wells West White Williams Wilson Wolf Wood Wright
    Wu Yamamoto Yang Young Zhang Zimmermann
"""

GIVEN_NAMES: tuple[str, ...] = tuple(_GIVEN.split())
FAMILY_NAMES: tuple[str, ...] = tuple(_FAMILY.split())

DOMAINS: dict[str, float] = {
    "gmail.com": 28.0,
    "yahoo.com": 8.0,
    "outlook.com": 7.0,
    "hotmail.com": 6.0,
    "icloud.com": 5.0,
    "gmx.de": 2.0,
    "aol.com": 1.5,
    "proton.me": 1.5,
    "web.de": 1.5,
    "live.com": 1.5,
    "yahoo.co.uk": 1.0,
    "mail.ru": 1.0,
    "qq.com": 1.0,
    "orange.fr": 1.0,
    "t-online.de": 1.0,
    "comcast.net": 1.0,
    "acme.com": 1.0,
    "yandex.ru": 0.8,
    "163.com": 0.8,
    "free.fr": 0.8,
    "contoso.com": 0.8,
    "msn.com": 0.7,
    "libero.it": 0.6,
    "laposte.net": 0.5,
    "verizon.net": 0.5,
    "att.net": 0.5,
    "naver.com": 0.5,
    "example.com": 0.5,
    "example.org": 0.5,
    "initech.com": 0.5,
    "globex.com": 0.5,
    "fabrikam.com": 0.5,
    "btinternet.com": 0.4,
    "uol.com.br": 0.4,
    "northwind.com": 0.4,
    "sbcglobal.net": 0.3,
    "sky.com": 0.3,
    "hanmail.net": 0.3,
    "rediffmail.com": 0.3,
    "bol.com.br": 0.3,
    "fastmail.com": 0.3,
    "seznam.cz": 0.3,
    "wp.pl": 0.3,
    "hooli.com": 0.3,
    "umbrella-corp.com": 0.3,
    "stark-industries.com": 0.3,
    "terra.com.br": 0.2,
    "zoho.com": 0.2,
    "o2.pl": 0.2,
    "bigpond.com": 0.2,
    "shaw.ca": 0.2,
    "rogers.com": 0.2,
}
